// The cube [-1,1]^3 meshed with tetrahedra, for snaps-poisson -dim 3 -dm_plex_filename.
// Mesh size: the characteristic length lc (override: gmsh -setnumber lc 0.25 ...) times -clscale.
SetFactory("OpenCASCADE");
If (!Exists(lc))
  lc = 0.25;
EndIf
Box(1) = {-1, -1, -1, 2, 2, 2};
MeshSize{PointsOf{Volume{1};}} = lc;
// Physical groups name the parts; snaps-poisson marks the boundary faces itself.
Physical Surface("boundary", 1) = Boundary{Volume{1};};
Physical Volume("domain", 2) = {1};
