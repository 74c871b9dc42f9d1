from dreamly.cli import main

main()
