/* The target program every measurement execs: does nothing, static, tiny. */
int main(void) { return 0; }
