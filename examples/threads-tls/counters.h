/* TLS defined in tls.c, used from worker.c: the linker must resolve the
 * cross-object TLS references and lay out .tdata/.tbss. */
extern __thread long tls_counter;          /* initialised: lives in .tdata */
extern __thread char tls_name[16];         /* zero-initialised: .tbss */
long bump(long by);
void *worker(void *arg);
