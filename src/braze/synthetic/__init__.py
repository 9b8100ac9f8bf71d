"""Synthetic sections: contents the linker creates (GOT, PLT, dynamic tables, notes, symbol tables)."""
