from retrowalk.cli import main

raise SystemExit(main())
