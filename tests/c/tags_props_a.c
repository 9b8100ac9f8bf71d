/* Vectorisable with -march=x86-64-v3: the assembler then notes AVX use in .note.gnu.property. */
double tags_dot(const double *a, const double *b, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}
