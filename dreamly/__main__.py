from dreamly.start import main

main()
