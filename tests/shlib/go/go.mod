module bragolib

go 1.19
