"""``log = tee(path)``: print a line and append it to ``path`` too (None: print only), for long runs."""


def tee(path=None):
    logfile = open(path, "a") if path else None

    def log(msg):
        print(msg, flush=True)
        if logfile:
            logfile.write(msg + "\n")
            logfile.flush()
    return log
