/* bench job "openssl": SHA-256 through the EVP API of the static libcrypto.a. */
#include <stdio.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/crypto.h>

static int digest(const char *name, const char *msg)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    const EVP_MD *type = EVP_get_digestbyname(name);
    if (!ctx || !type
        || EVP_DigestInit_ex(ctx, type, NULL) != 1
        || EVP_DigestUpdate(ctx, msg, strlen(msg)) != 1
        || EVP_DigestFinal_ex(ctx, md, &len) != 1) {
        fprintf(stderr, "digest %s failed\n", name);
        EVP_MD_CTX_free(ctx);
        return 1;
    }
    EVP_MD_CTX_free(ctx);
    printf("%s(\"%s\") = ", name, msg);
    for (unsigned int i = 0; i < len; i++)
        printf("%02x", md[i]);
    putchar('\n');
    return 0;
}

int main(void)
{
    int rc = 0;
    rc |= digest("SHA256", "hello, braze");
    rc |= digest("SHA256", "The quick brown fox jumps over the lazy dog");
    rc |= digest("SHA256", "");
    printf("EVP_MD_get_size(sha256) = %d\n", EVP_MD_get_size(EVP_sha256()));
    printf("version: %s\n", OpenSSL_version(OPENSSL_VERSION));
    return rc;
}
