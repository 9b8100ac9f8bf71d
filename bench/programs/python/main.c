#include <Python.h>
int main(void) {
    Py_Initialize();
    int rc = PyRun_SimpleString(
        "import sys\n"
        "d = {i: i * i for i in range(1000)}\n"
        "print(sum(d.values()), sorted('linker')[:3], sys.version_info[:2])\n");
    if (Py_FinalizeEx() < 0) return 120;
    return rc ? 1 : 0;
}
