/* maxrss OUTFILE CMD ARGS...: run CMD, write the peak RSS (KiB) of its
 * process tree to OUTFILE, and exit with CMD's status.
 *
 * Why not Python: a child created by fork()/posix_spawn() from Python starts
 * with Python's page tables, and at exec() the kernel folds that high-water
 * mark into the child's ru_maxrss, so every measurement would have a floor of
 * the harness's own RSS (~20 MiB).  This helper is tiny, so the floor is ~1 MiB.
 * wait4() reports the max over the child and all descendants it reaped
 * (gcc -> collect2 -> ld). */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: maxrss OUTFILE CMD [ARGS...]\n");
        return 2;
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("maxrss: fork");
        return 2;
    }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        perror(argv[2]);
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("maxrss: wait4");
        return 2;
    }
    FILE *out = fopen(argv[1], "w");
    if (!out || fprintf(out, "%ld\n", ru.ru_maxrss) < 0 || fclose(out) != 0) {
        perror(argv[1]);
        return 2;
    }
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}
