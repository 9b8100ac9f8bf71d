int defined_later = 1;
