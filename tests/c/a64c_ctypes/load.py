"""Loads the library given as argv[1] with ctypes and prints what its functions give back."""
import ctypes
import sys

lib = ctypes.CDLL(sys.argv[1])
print("ready", ctypes.c_int.in_dll(lib, "ct_ready").value)
print("add", lib.ct_add(40, 2))
lib.ct_scale.restype = ctypes.c_double
lib.ct_scale.argtypes = (ctypes.c_double, ctypes.c_double)
print("scale", lib.ct_scale(1.5, 4.0))
print("bump", lib.ct_bump(3), lib.ct_bump(10), ctypes.c_int.in_dll(lib, "ct_counter").value)
print("tls", lib.ct_tls_bump(), lib.ct_tls_bump())
lib.ct_version.restype = ctypes.c_char_p
print("version", lib.ct_version().decode())
print("name", ctypes.c_char_p(ctypes.addressof(ctypes.c_char.in_dll(lib, "ct_name"))).value.decode())
print("strlen", lib.ct_strlen(b"hello, qemu"))


class Point(ctypes.Structure):
    _fields_ = [("x", ctypes.c_int), ("y", ctypes.c_double)]


lib.ct_norm.restype = ctypes.c_double
print("norm", lib.ct_norm(ctypes.byref(Point(3, 4.0))))
print("missing", lib.ct_has_missing())
CB = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int)
print("apply", lib.ct_apply(CB(lambda v: v * v + 1), 10))
print("table", [lib.ct_table(i, 7) for i in range(3)])
print("ifunc", lib.ct_ifunc(5))
lib.ct_dup.restype = ctypes.c_void_p
p = lib.ct_dup(b"duplicated")
print("dup", ctypes.string_at(p).decode())
lib.ct_free(ctypes.c_void_p(p))
again = ctypes.cdll.LoadLibrary(sys.argv[1])
print("same handle state", again.ct_bump(0))
