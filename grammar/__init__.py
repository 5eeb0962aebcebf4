"""Data package holding tickscript.lark (installed as tickpy.grammar)."""
