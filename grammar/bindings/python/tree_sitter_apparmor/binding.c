/*
 * The CPython extension module `tree_sitter_apparmor._binding`.
 *
 * It owns one thing: handing the generated AppArmor parser (grammar/src/parser.c) to
 * py-tree-sitter as a PyCapsule named "tree_sitter.Language", which `tree_sitter.Language`
 * accepts. It uses only the limited API (abi3, Python 3.10+) and multi-phase initialisation.
 */
#include <Python.h>

typedef struct TSLanguage TSLanguage;

TSLanguage *tree_sitter_apparmor(void);

static PyObject *_binding_language(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(args)) {
    return PyCapsule_New(tree_sitter_apparmor(), "tree_sitter.Language", NULL);
}

static PyMethodDef methods[] = {
    {"language", _binding_language, METH_NOARGS,
     "Get the tree-sitter language for this grammar."},
    {NULL, NULL, 0, NULL}
};

static struct PyModuleDef_Slot slots[] = {
#ifdef Py_GIL_DISABLED
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
#endif
    {0, NULL}
};

static struct PyModuleDef module = {
    .m_base = PyModuleDef_HEAD_INIT,
    .m_name = "_binding",
    .m_doc = NULL,
    .m_size = 0,
    .m_methods = methods,
    .m_slots = slots,
};

PyMODINIT_FUNC PyInit__binding(void) {
    return PyModuleDef_Init(&module);
}
