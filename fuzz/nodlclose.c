/* Preloaded by `make test-leaks`: keeps shared objects mapped at exit so
 * valgrind can name the functions in leak reports of dlopen'ed modules
 * (lua5.4 dlcloses C modules when its state closes). */
int dlclose(void *handle);
int dlclose(void *handle)
{
    (void)handle;
    return 0;
}
