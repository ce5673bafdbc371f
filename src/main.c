/*
 * main.c - the idsd command line.
 */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("idsd %s\n", IDSD_VERSION);
        return 0;
    }
    fprintf(stderr, "usage: idsd --version\n");
    return 2;
}
