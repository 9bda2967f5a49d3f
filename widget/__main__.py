from widget.cli import main

main()
