"""Every comment of a consultation as CSV or XLSX, written in the
background with its progress."""
