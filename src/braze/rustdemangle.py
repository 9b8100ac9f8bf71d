"""Rust v0 symbol names (`_R…`, rustc's RFC 2603 mangling) as GNU ld shows them in diagnostics:
bfd demangles with libiberty's Rust demangler without its verbose flag, so crate disambiguators
(`a[1234abcd]`) and const types are left out, and a `.suffix` (e.g. `.llvm.123`) is dropped.
Written from the RFC's grammar; a name that does not parse is shown as it is (as bfd does)."""
from __future__ import annotations

_BASIC = {"b": "bool", "c": "char", "e": "str", "u": "()", "a": "i8", "s": "i16", "l": "i32", "x": "i64",
          "n": "i128", "i": "isize", "h": "u8", "t": "u16", "m": "u32", "y": "u64", "o": "u128", "j": "usize",
          "f": "f32", "d": "f64", "z": "!", "p": "_", "v": "..."}
_B62 = {c: i for i, c in enumerate("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")}
# limits against hostile names (nested back-references grow exponentially): past them the name
# is shown as it is
_MAX_DEPTH = 500
_MAX_OUT = 1 << 20
_MAX_STEPS = 1 << 20


class _Bad(Exception):
    pass


def demangle_rust_v0(name: str) -> str | None:
    """The demangled form of a v0 name, or None if it is not one (or does not parse)."""
    if not name.startswith("_R"):
        return None
    sym = name[2:]
    dot = sym.find(".")
    if dot >= 0:
        sym = sym[:dot]
    if not sym or not sym[0].isupper() or not (sym.isascii() and sym.replace("_", "").isalnum()):
        return None
    d = _Demangler(sym)
    try:
        d.path(True)
        if d.pos < len(sym):          # the instantiating crate: not shown
            d.skip += 1
            d.path(False)
            d.skip -= 1
        if d.pos != len(sym):
            return None
    except (_Bad, IndexError, RecursionError, UnicodeError):
        return None
    return "".join(d.out)


class _Demangler:
    def __init__(self, sym: str):
        self.s = sym
        self.pos = 0
        self.out: list[str] = []
        self.skip = 0               # > 0 while parsing what is not printed (an impl's own path)
        self.depth = 0
        self.lifetimes = 0          # bound lifetimes in scope (for 'a, 'b …)
        self.size = 0
        self.steps = 0

    # --- lexing
    def peek(self) -> str:
        return self.s[self.pos] if self.pos < len(self.s) else ""

    def next(self) -> str:
        c = self.s[self.pos]
        self.pos += 1
        return c

    def eat(self, c: str) -> bool:
        if self.peek() == c:
            self.pos += 1
            return True
        return False

    def _list(self, sep: str, item) -> int:
        """Items up to the closing "E", separated by sep; their count (tuples print "(T,)")."""
        n = 0
        while not self.eat("E"):
            if n:
                self.emit(sep)
            item()
            n += 1
        return n

    def emit(self, t: str) -> None:
        if not self.skip:
            self.out.append(t)
            self.size += len(t)
            if self.size > _MAX_OUT:
                raise _Bad

    def base62(self) -> int:
        if self.eat("_"):
            return 0
        x = 0
        while not self.eat("_"):
            c = self.next()
            if c not in _B62:
                raise _Bad
            x = x * 62 + _B62[c]
        return x + 1

    def opt_base62(self, tag: str) -> int:
        return self.base62() + 1 if self.eat(tag) else 0

    def ident(self) -> str:
        puny = self.eat("u")
        c = self.next()
        if not c.isdigit():
            raise _Bad
        n = int(c)
        if c != "0":
            while self.peek().isdigit():
                n = n * 10 + int(self.next())
        self.eat("_")
        start = self.pos
        self.pos += n
        if self.pos > len(self.s):
            raise _Bad
        text = self.s[start:self.pos]
        self.ident_raw = bool(text)     # bfd prints an identifier's "::" even if it decodes to nothing
        if not puny:
            return text
        ascii_part, _sep, code = text.rpartition("_")
        if not code:
            raise _Bad
        return _punycode(ascii_part, code)

    def enter(self) -> None:
        self.depth += 1
        self.steps += 1
        if self.depth > _MAX_DEPTH or self.steps > _MAX_STEPS:
            raise _Bad

    def backref(self, fn, *args):
        at = self.pos - 1
        target = self.base62()
        if not self.skip:                   # (bfd neither follows nor checks one it does not print)
            if target >= at:
                raise _Bad
            old = self.pos
            self.pos = target
            r = fn(*args)
            self.pos = old
            return r
        return None

    # --- grammar
    def path(self, in_value: bool) -> None:
        self.enter()
        tag = self.next()
        if tag == "C":
            self.opt_base62("s")
            self.emit(self.ident())
        elif tag in "MX":
            self.opt_base62("s")
            self.skip += 1
            self.path(False)
            self.skip -= 1
            self._impl(tag)
        elif tag == "Y":
            self._impl(tag)
        elif tag == "N":
            ns = self.next()
            if not ns.isalpha():
                raise _Bad
            self.path(in_value)
            dis = self.opt_base62("s")
            name = self.ident()
            if ns.isupper():
                self.emit("::{" + {"C": "closure", "S": "shim"}.get(ns, ns))
                if self.ident_raw:
                    self.emit(":" + name)
                self.emit(f"#{dis}}}")
            elif self.ident_raw:
                self.emit("::" + name)
        elif tag == "I":
            self.path(in_value)
            if in_value:
                self.emit("::")
            self.emit("<")
            self._args()
            self.emit(">")
        elif tag == "B":
            self.backref(self.path, in_value)
        else:
            raise _Bad
        self.depth -= 1

    def _impl(self, tag: str) -> None:
        self.emit("<")
        self.type()
        if tag != "M":
            self.emit(" as ")
            self.path(False)
        self.emit(">")

    def _args(self) -> None:
        self._list(", ", self.generic_arg)

    def generic_arg(self) -> None:
        if self.eat("L"):
            self.lifetime(self.base62())
        elif self.eat("K"):
            self.const()
        else:
            self.type()

    def lifetime(self, lt: int) -> None:
        if lt == 0:
            self.emit("'_")
            return
        depth = (self.lifetimes - lt) & 0xffffffffffffffff     # bfd's unsigned arithmetic
        self.emit("'" + chr(ord("a") + depth) if depth < 26 else f"'_{depth}")

    def binder(self) -> None:
        n = self.opt_base62("G")
        if n:
            self.emit("for<")
            for i in range(n):
                if i:
                    self.emit(", ")
                self.lifetimes += 1
                self.lifetime(1)
            self.emit("> ")

    def type(self) -> None:
        self.enter()
        tag = self.next()
        basic = _BASIC.get(tag)
        if basic is not None:
            self.emit(basic)
        elif tag in "RQ":
            self.emit("&")
            if self.eat("L"):
                lt = self.base62()
                if lt:
                    self.lifetime(lt)
                    self.emit(" ")
            if tag == "Q":
                self.emit("mut ")
            self.type()
        elif tag in "PO":
            self.emit("*const " if tag == "P" else "*mut ")
            self.type()
        elif tag in "AS":
            self.emit("[")
            self.type()
            if tag == "A":
                self.emit("; ")
                self.const()
            self.emit("]")
        elif tag == "T":
            self.emit("(")
            i = self._list(", ", self.type)
            self.emit(",)" if i == 1 else ")")
        elif tag == "F":
            outer = self.lifetimes
            self.binder()
            if self.eat("U"):
                self.emit("unsafe ")
            if self.eat("K"):
                abi = "C" if self.eat("C") else self.ident()
                self.emit('extern "' + _abi_name(abi) + '" ')
            self.emit("fn(")
            self._list(", ", self.type)
            self.emit(")")
            if not self.eat("u"):
                self.emit(" -> ")
                self.type()
            self.lifetimes = outer
        elif tag == "D":
            self.emit("dyn ")
            outer = self.lifetimes
            self.binder()
            self._list(" + ", self.dyn_trait)
            self.lifetimes = outer
            if not self.eat("L"):
                raise _Bad
            lt = self.base62()
            if lt:
                self.emit(" + ")
                self.lifetime(lt)
        elif tag == "B":
            self.backref(self.type)
        else:
            self.pos -= 1
            self.path(False)
        self.depth -= 1

    def dyn_trait(self) -> None:
        opened = self._path_open_generics()
        while self.eat("p"):
            self.emit(", " if opened else "<")
            opened = True
            self.emit(self.ident() + " = ")
            self.type()
        if opened:
            self.emit(">")

    def _path_open_generics(self) -> bool:
        """A trait path whose generic arguments stay open for associated-type bindings."""
        self.enter()
        opened = False
        if self.eat("B"):
            r = self.backref(self._path_open_generics)
            opened = bool(r)
        elif self.eat("I"):
            self.path(False)
            self.emit("<")
            opened = True
            self._list(", ", self.generic_arg)
        else:
            self.path(False)
        self.depth -= 1
        return opened

    def const(self) -> None:
        self.enter()
        if self.eat("B"):
            self.backref(self.const)
            self.depth -= 1
            return
        tag = self.next()
        if tag == "p":
            self.emit("_")
        elif tag in "htmyoj":
            self._uint()
        elif tag in "aslxni":
            if self.eat("n"):
                self.emit("-")
            self._uint()
        elif tag == "b":
            v, n = self._hex()
            if n != 1 or v > 1:
                raise _Bad
            self.emit("true" if v else "false")
        elif tag == "c":
            v, n = self._hex()
            if not 0 < n <= 8:
                raise _Bad
            self.emit("'" + _escape_char(v) + "'")
        else:
            raise _Bad
        self.depth -= 1

    def _hex(self) -> tuple[int, int]:
        start = self.pos
        while not self.eat("_"):
            if self.next() not in "0123456789abcdef":
                raise _Bad
        digits = self.s[start:self.pos - 1]
        return (int(digits, 16) if digits else 0), len(digits)

    def _uint(self) -> None:
        start = self.pos
        v, n = self._hex()
        if n == 0:
            raise _Bad
        # more than 64 bits: bfd 2.40 prints the digits from the second one on, and the '_'
        self.emit(f"0x{self.s[start + 1:start + n + 1]}" if n > 16 else str(v))


def _escape_char(c: int) -> str:
    """A char constant as bfd 2.40 prints it: \\t \\n \\r, '!'..'}' as themselves, the rest \\u{hex}."""
    if c in (9, 10, 13):
        return {9: "\\t", 10: "\\n", 13: "\\r"}[c]
    if 0x21 <= c <= 0x7d:
        return chr(c)
    return "\\u{%x}" % c


def _punycode(basic: str, code: str) -> str:
    """RFC 3492 decoding as bfd's demangler does it: digits are a-z and 0-9 only (anything else makes
    the name undemanglable); a delta cut short ends the identifier with nothing printed for it."""
    out = list(basic)
    bias, i, c, damp = 72, 0, 0x80, 700
    pos, n = 0, len(code)
    while pos < n:
        delta, w, k = 0, 1, 0
        while True:
            k += 36
            t = min(max(k - bias, 1), 26)
            if pos >= n:
                return ""
            d = code[pos]
            pos += 1
            if "a" <= d <= "z":
                d = ord(d) - 97
            elif "0" <= d <= "9":
                d = ord(d) - 22
            else:
                raise _Bad
            delta += d * w
            w *= 36 - t
            if d < t:
                break
        length = len(out) + 1
        i += delta
        c += i // length
        i %= length
        if c >= 0x110000:
            raise _Bad
        out.insert(i, chr(c))
        i += 1
        if pos == n:
            break
        delta //= damp
        damp = 2
        delta += delta // length
        k = 0
        while delta > 455:
            delta //= 35
            k += 36
        bias = k + (36 * delta) // (delta + 38)
    return "".join(out)


def _abi_name(abi: str) -> str:
    """The ABI's '_'s back to '-', as bfd 2.40 does it: after each one the next character is not
    looked at (so "C__unwind" reads "C-_unwind")."""
    out = []
    i = 0
    while i < len(abi):
        if abi[i] == "_":
            out.append(abi[:i] + "-")
            abi = abi[i + 1:]
            i = 1
            continue
        i += 1
    return "".join(out) + abi
