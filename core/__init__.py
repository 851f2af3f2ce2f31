"""Parsing core of the 政务公开年报对比 dashboard: files in, checked records out.

Layers, each importing only those below it: cli → library/metrics/charts → ingest → checks →
parse → readers → grid/record/fields.
"""

PARSER_VERSION = "1"
