"""Writing what people open: the supplier template, results workbooks, CSV and JSON."""
