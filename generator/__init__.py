"""Static publicity site generator for Learn-from-Lei-Feng volunteer service.

The build is one pipeline: load -> validate -> catalog -> pages -> render ->
assets. Each step is a module of plain Python; `plugin.py` connects the steps
to MkDocs events and `cli.py` exposes them on the command line.
"""

__version__ = "0.1.0"
