from tickpy.cli import main

raise SystemExit(main())
