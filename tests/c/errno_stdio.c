/* errno values and stdio on real files (in the current directory, a fresh temp dir). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    errno = 0;
    FILE *f = fopen("does-not-exist/file.txt", "r");
    int e = errno;
    printf("fopen missing: null=%d errno==ENOENT=%d msg=%s\n", f == NULL, e == ENOENT, strerror(e));
    errno = 0;
    long big = strtol("99999999999999999999999", NULL, 10);
    printf("strtol overflow: %ld erange=%d\n", big, errno == ERANGE);
    errno = 0;
    int r = close(12345);
    printf("close bad fd: r=%d ebadf=%d\n", r, errno == EBADF);
    errno = EACCES;
    perror("perror test");

    f = fopen("out.txt", "w");
    if (!f) { perror("fopen out.txt"); return 2; }
    for (int i = 0; i < 100; i++)
        fprintf(f, "line %03d %s\n", i, i % 2 ? "odd" : "even");
    fclose(f);

    f = fopen("out.txt", "r");
    char line[64];
    int n = 0, odd = 0;
    while (fgets(line, sizeof line, f)) {
        n++;
        if (strstr(line, "odd"))
            odd++;
    }
    printf("read back lines=%d odd=%d\n", n, odd);
    fseek(f, 0, SEEK_END);
    printf("size=%ld\n", ftell(f));
    fseek(f, 9 * 3, SEEK_SET);
    printf("char at 27=%c\n", fgetc(f));
    fclose(f);

    f = fopen("out.txt", "a+");
    fputs("appended\n", f);
    rewind(f);
    fgets(line, sizeof line, f);
    printf("first line after append: %s", line);
    fclose(f);

    printf("rename=%d\n", rename("out.txt", "moved.txt"));
    printf("old exists=%d new exists=%d\n", access("out.txt", F_OK) == 0, access("moved.txt", F_OK) == 0);
    printf("remove=%d\n", remove("moved.txt"));

    FILE *t = tmpfile();
    fwrite("0123456789", 1, 10, t);
    rewind(t);
    char buf[11] = {0};
    size_t got = fread(buf, 1, 10, t);
    printf("tmpfile got=%zu buf=%s\n", got, buf);
    fclose(t);

    fprintf(stderr, "stderr line with errno text: %s\n", strerror(EINVAL));
    return 0;
}
