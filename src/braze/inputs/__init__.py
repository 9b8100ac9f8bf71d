"""Input file readers: relocatable objects, archives, shared objects, linker scripts."""
