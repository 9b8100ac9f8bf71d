/* Access TLS with the model selected by this object's -ftls-model flag. */
extern __thread int tv_init;
extern __thread int tv_zero;
extern __thread long tv_arr[8];
static __thread int ld_local = 3;
static __thread int ld_local_zero;
__thread int ld_global = 30;

int ld_touch(int k)
{
    tv_init += k;
    tv_zero += 2 * k;
    tv_arr[k & 7] += k;
    ld_local *= 2;
    ld_local_zero += k;
    ld_global -= k;
    return tv_init + tv_zero + (int)tv_arr[k & 7] + ld_local + ld_local_zero + ld_global;
}

int *ld_addr_init(void) { return &tv_init; }
int *ld_addr_local(void) { return &ld_local; }
