/* Compiled at -Os. */
int bits_reverse(int x)
{
    unsigned v = (unsigned)x, r = 0;
    for (int i = 0; i < 32; i++) { r = (r << 1) | (v & 1); v >>= 1; }
    return (int)r;
}
