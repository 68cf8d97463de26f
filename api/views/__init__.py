"""The API's views: thin, each parses input, checks who is asking, calls
one selector or service and renders (STYLE.md)."""
