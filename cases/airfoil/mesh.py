"""gmsh mesh of one NACA 4-digit airfoil for the 2-D OpenFOAM run (high fidelity).

Hybrid: a quadrilateral boundary layer (gmsh BoundaryLayer field, fan at the sharp trailing edge) whose first
cell keeps y+ below about 1 up to Re 3e6, triangles out to a circular far field 20 chords away, extruded one
cell thick. The airfoil curves are splines through the very coordinates XFOIL loads, so both fidelities see
the same geometry (splines through the same points). gmsh 4.8 traps avoided: the far-field circle is four quarter arcs (180-degree arcs fail),
and the 2-D algorithm is Frontal-Delaunay (Mesh.Algorithm 8 crashes with a boundary-layer field).
"""
import subprocess

import airfoil

SETTINGS = {
    "points_per_surface": 120,  # cosine-spaced coordinate intervals per surface (XFOIL's LOAD file too)
    "wall_nodes": 151,  # mesh nodes per surface, bunched at both ends
    "bump": 0.15,
    "first_cell": 5e-6,  # chords; y+ ~ 0.5 at Re 3e6 with the leading edge's skin friction
    "growth": 1.15,
    "bl_thickness": 0.03,
    "near_size": 0.015,  # triangle size next to the boundary layer
    "far_size": 2.0,
    "far_radius": 20.0,
    "span": 0.1,
}


def write_geo(path, m, p, t, s=SETTINGS):
    nps = s["points_per_surface"]
    xy = airfoil.coordinates(m, p, t, nps)[:-1]  # closed loop: the trailing edge once, as point 1
    n = len(xy)
    L = []
    L.append("Mesh.MshFileVersion = 2.2;  // gmshToFoam reads version 2")
    L.append("Mesh.Algorithm = 6;")
    L.append("General.NumThreads = 1;")
    for i, (x, y) in enumerate(xy):
        L.append(f"Point({i + 1}) = {{{x:.10f}, {y:.10f}, 0}};")
    # Two splines through the coordinates (upper: trailing edge to leading edge, lower: back), as XFOIL
    # splines its LOAD file; a polyline of 2 n lines makes gmsh 4.8's boundary layer fail edge recovery.
    L.append(f"Spline(1) = {{1:{nps + 1}}};")
    L.append(f"Spline(2) = {{{nps + 1}:{n}, 1}};")
    L.append(f"Transfinite Curve{{1, 2}} = {s['wall_nodes']} Using Bump {s['bump']};")
    L.append("Curve Loop(1) = {1, 2};")
    R, c = s["far_radius"], n + 1
    L.append(f"Point({c}) = {{0.5, 0, 0}};")
    for k, (x, y) in enumerate([(R, 0), (0, R), (-R, 0), (0, -R)]):
        L.append(f"Point({c + 1 + k}) = {{{0.5 + x}, {y}, 0}};")
    for k in range(4):
        L.append(f"Circle({3 + k}) = {{{c + 1 + k}, {c}, {c + 1 + (k + 1) % 4}}};")
    L.append("Curve Loop(2) = {3:6};")
    L.append("Plane Surface(1) = {2, 1};")
    L.append("Field[1] = BoundaryLayer;")
    L.append("Field[1].CurvesList = {1, 2};")
    L.append("Field[1].FanPointsList = {1};  // the sharp trailing edge")
    L.append(f"Field[1].hwall_n = {s['first_cell']};")
    L.append(f"Field[1].ratio = {s['growth']};")
    L.append(f"Field[1].thickness = {s['bl_thickness']};")
    L.append(f"Field[1].hfar = {s['near_size']};")
    L.append("Field[1].Quads = 1;")
    L.append("BoundaryLayer Field = 1;")
    L.append("Field[2] = Distance;")
    L.append("Field[2].CurvesList = {1, 2};")
    L.append("Field[3] = Threshold;")
    L.append("Field[3].InField = 2;")
    L.append(f"Field[3].SizeMin = {s['near_size']};")
    L.append(f"Field[3].SizeMax = {s['far_size']};")
    L.append(f"Field[3].DistMin = {s['bl_thickness']};")
    L.append(f"Field[3].DistMax = {0.6 * s['far_radius']};")
    L.append("Background Field = 3;")
    L.append("Mesh.MeshSizeExtendFromBoundary = 0;")
    L.append("Mesh.MeshSizeFromPoints = 0;")
    L.append(f"ex[] = Extrude {{0, 0, {s['span']}}} {{ Surface{{1}}; Layers{{1}}; Recombine; }};")
    # ex[0]: the top surface, ex[1]: the volume, then one lateral surface per bounding curve, in the order
    # of Plane Surface(1)'s loops: the 4 far-field arcs first, then the 2 airfoil splines.
    L.append('Physical Surface("frontAndBack") = {1, ex[0]};')
    L.append('Physical Surface("farfield") = {ex[2]:ex[5]};')
    L.append('Physical Surface("airfoil") = {ex[6], ex[7]};')
    L.append('Physical Volume("internal") = {ex[1]};')
    with open(path, "w") as f:
        f.write("\n".join(L) + "\n")


def mesh(geo, msh, log):
    with open(log, "w") as f:
        subprocess.run(["gmsh", "-3", "-nt", "1", geo, "-o", msh], stdout=f, stderr=subprocess.STDOUT, check=True)
