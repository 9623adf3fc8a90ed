from cv2course.cli import main

raise SystemExit(main())
