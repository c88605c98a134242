/* Fixture: a shared library that exports no switchyard_adapter_entry. */
__attribute__((visibility("default"))) int not_an_adapter(void) { return 42; }
