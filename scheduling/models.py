# Models arrive with the scheduling issue; the app is installed now so its URLs and migrations have a home.
