module brazecgo

go 1.19
