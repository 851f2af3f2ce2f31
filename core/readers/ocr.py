"""Text recognition for scanned pages: the PP-OCRv4 Chinese recogniser (an ONNX model shipped inside the
rapidocr-onnxruntime wheel, so nothing is downloaded at run time) run with onnxruntime on one line of
text at a time.

Only the recogniser is used. rapidocr's own pipeline first runs a text detector over the whole page
(2 s a page on one core) and pads every line to at least 320 pixels; the scan reader (scan.py) finds
the lines and the table cells itself from the page's ink and ruling lines, and a cell's number is
recognised at its natural width (48×64 pixels: 8 ms instead of 38). Greedy CTC decoding, as rapidocr
does it, gives each character its confidence and its place in the line.
"""
from __future__ import annotations

import importlib.util
import os
import threading
from dataclasses import dataclass

import numpy as np

MODEL = "ch_PP-OCRv4_rec_infer.onnx"
HEIGHT = 48  # the model's input height
MAX_WIDTH = 2400  # a line wider than this at 48 px high is squeezed to it (a full A4 line is ~1,900)


class OcrUnavailable(RuntimeError):
    """The OCR model or its runtime is not installed; the message is Chinese."""


@dataclass(frozen=True)
class Recognised:
    text: str
    confidence: float  # the lowest of its characters' probabilities (0 when nothing was read)
    spans: tuple[tuple[float, float], ...]  # each character's left and right, as shares of the line's width


_LOCK = threading.Lock()
_ENGINE: "_Engine | None" = None


def engine() -> "_Engine":
    """The recogniser, loaded once per process (0.3 s)."""
    global _ENGINE
    with _LOCK:
        if _ENGINE is None:
            _ENGINE = _Engine()
        return _ENGINE


def model_path() -> str | None:
    spec = importlib.util.find_spec("rapidocr_onnxruntime")  # found, not imported: it imports OpenCV
    if spec is None or spec.origin is None:
        return None
    path = os.path.join(os.path.dirname(spec.origin), "models", MODEL)
    return path if os.path.exists(path) else None


class _Engine:
    def __init__(self) -> None:
        path = model_path()
        try:
            import onnxruntime as ort
        except ImportError as exc:
            raise OcrUnavailable("本机未安装 OCR 组件（onnxruntime），无法识别扫描件。请在项目目录执行 "
                                 "python -m pip install -e . 后重试，或上传可复制文字的版本。") from exc
        if path is None:
            raise OcrUnavailable("本机未安装 OCR 识别模型（rapidocr-onnxruntime），无法识别扫描件。请在项目目录执行 "
                                 "python -m pip install -e . 后重试，或上传可复制文字的版本。")
        options = ort.SessionOptions()
        # one thread a recognition: the dashboard and the bulk import parse several files at once
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        self.input = self.session.get_inputs()[0].name
        characters = self.session.get_modelmeta().custom_metadata_map["character"].splitlines()
        self.alphabet = ["", *characters, " "]  # index 0 is CTC's blank; the model ends with a space
        # one recognition at a time in a process: each runs on one thread, so two sessions' scans share
        # the server's cores with its other work instead of taking them all
        self.lock = threading.Lock()

    def read(self, line: np.ndarray) -> Recognised:
        """One line of text (a grey image, dark ink on white, any height) → its text."""
        h, w = line.shape
        if h == 0 or w == 0:
            return Recognised("", 0.0, ())
        width = max(8, min(MAX_WIDTH, round(w * HEIGHT / h)))
        from PIL import Image
        resized = np.asarray(Image.fromarray(line).resize((width, HEIGHT), Image.BILINEAR), dtype=np.float32)
        x = (resized / 127.5 - 1.0)[None, None, :, :].repeat(3, axis=1)
        with self.lock:
            probs = self.session.run(None, {self.input: x})[0][0]  # frames × alphabet
        best = probs.argmax(axis=1)
        frames = len(best)
        text, confidences, spans = [], [], []
        previous = 0
        for t, index in enumerate(best):
            if index != 0 and index != previous:
                text.append(self.alphabet[index])  # the model's outputs are exactly the alphabet
                confidences.append(float(probs[t, index]))
                spans.append([t / frames, (t + 1) / frames])
            elif index != 0 and spans:
                spans[-1][1] = (t + 1) / frames  # the same character over several frames
            previous = index
        return Recognised("".join(text), min(confidences) if confidences else 0.0,
                          tuple((a, b) for a, b in spans))
