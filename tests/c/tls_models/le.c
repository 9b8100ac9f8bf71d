/* Access TLS with the model selected by this object's -ftls-model flag. */
extern __thread int tv_init;
extern __thread int tv_zero;
extern __thread long tv_arr[8];
static __thread int le_local = 3;
static __thread int le_local_zero;
__thread int le_global = 30;

int le_touch(int k)
{
    tv_init += k;
    tv_zero += 2 * k;
    tv_arr[k & 7] += k;
    le_local *= 2;
    le_local_zero += k;
    le_global -= k;
    return tv_init + tv_zero + (int)tv_arr[k & 7] + le_local + le_local_zero + le_global;
}

int *le_addr_init(void) { return &tv_init; }
int *le_addr_local(void) { return &le_local; }
