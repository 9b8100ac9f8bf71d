/* Access TLS with the model selected by this object's -ftls-model flag. */
extern __thread int tv_init;
extern __thread int tv_zero;
extern __thread long tv_arr[8];
static __thread int gd_local = 3;
static __thread int gd_local_zero;
__thread int gd_global = 30;

int gd_touch(int k)
{
    tv_init += k;
    tv_zero += 2 * k;
    tv_arr[k & 7] += k;
    gd_local *= 2;
    gd_local_zero += k;
    gd_global -= k;
    return tv_init + tv_zero + (int)tv_arr[k & 7] + gd_local + gd_local_zero + gd_global;
}

int *gd_addr_init(void) { return &tv_init; }
int *gd_addr_local(void) { return &gd_local; }
