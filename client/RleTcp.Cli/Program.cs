// Replaced by the rletcp command line (issue 4).
return 0;
