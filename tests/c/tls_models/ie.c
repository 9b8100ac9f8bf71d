/* Access TLS with the model selected by this object's -ftls-model flag. */
extern __thread int tv_init;
extern __thread int tv_zero;
extern __thread long tv_arr[8];
static __thread int ie_local = 3;
static __thread int ie_local_zero;
__thread int ie_global = 30;

int ie_touch(int k)
{
    tv_init += k;
    tv_zero += 2 * k;
    tv_arr[k & 7] += k;
    ie_local *= 2;
    ie_local_zero += k;
    ie_global -= k;
    return tv_init + tv_zero + (int)tv_arr[k & 7] + ie_local + ie_local_zero + ie_global;
}

int *ie_addr_init(void) { return &tv_init; }
int *ie_addr_local(void) { return &ie_local; }
