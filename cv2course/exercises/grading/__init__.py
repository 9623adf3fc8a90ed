"""What graders run (``cv2course grade``); students never import it.

Imports go one way: this room uses the student room (:mod:`cv2course.exercises.core` and the
topic modules) for references and comparison; the student room never imports this one.

- :mod:`.grader`          one notebook or a batch: stage cases, start a run
- :mod:`.results`         what a finished run left: events, audit flags, each exercise's score
- :mod:`.assignments`     the released assignments; ``CATALOGUE`` read from the topic modules
- :mod:`.protocol`        the typed records between grader, supervisor and kernel; the run folder
- :mod:`.sandbox`         the policy: environment, readable paths, privileges, network, budget
- :mod:`.budget`          one cgroup (v2 or v1) per run: memory and process count over all processes
- :mod:`.supervisor`      one run's process: subreaper, kernel, cells, graded calls
- :mod:`.kernel_launcher` becomes the sandboxed kernel (rlimits, cgroup, namespaces, uid, Landlock)
- :mod:`.landlock`        the Landlock system calls
- :mod:`.kernel_side`     what runs inside the student's kernel (audit log, graded calls)
- :mod:`.wire`            cases and answers as JSON plus pickle-free ``.npy``
- :mod:`.static_scan`     what a person should look at in the source
"""
