# Models arrive with the issues issue; the app is installed now so its URLs and migrations have a home.
