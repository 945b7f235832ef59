// The square [-1,1]^2 meshed with triangles, for snaps-poisson -dm_plex_filename.
// Mesh size: the characteristic length lc (override: gmsh -setnumber lc 0.05 ...) times -clscale.
If (!Exists(lc))
  lc = 0.1;
EndIf
Point(1) = {-1, -1, 0, lc};
Point(2) = { 1, -1, 0, lc};
Point(3) = { 1,  1, 0, lc};
Point(4) = {-1,  1, 0, lc};
Line(1) = {1, 2};
Line(2) = {2, 3};
Line(3) = {3, 4};
Line(4) = {4, 1};
Curve Loop(1) = {1, 2, 3, 4};
Plane Surface(1) = {1};
// Physical groups: gmsh then writes only these elements; snaps-poisson marks the boundary itself,
// the groups just name the parts ("Face Sets" / "Cell Sets" labels in DMPlex).
Physical Curve("boundary", 1) = {1, 2, 3, 4};
Physical Surface("domain", 2) = {1};
