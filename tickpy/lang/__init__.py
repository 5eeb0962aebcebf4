"""The front end: TICKscript source to AST (parser), AST back to text (fmt), and checks (check)."""
