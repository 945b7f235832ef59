/* AION model-group contents:
     attributes rank, terms, atom_columns ("A,alpha,omega,phi")
     atoms  (dim_in x rank x terms x 4)  every term's A, alpha, omega, phi, for inputs mapped to [0, 1] */
#include <snaps/private/aionimpl.h>

/* Writes the AION attributes and the atoms into an open model group. */
PetscErrorCode SNASave_Aion(SNA sna, hid_t group)
{
  SNA_Aion *ai      = (SNA_Aion *)sna->data;
  hsize_t   dims[4] = {(hsize_t)sna->dim_in, (hsize_t)ai->rank, (hsize_t)ai->terms, 4};

  PetscFunctionBegin;
  PetscCall(SNAHDF5WriteAttributeInt(group, "rank", ai->rank));
  PetscCall(SNAHDF5WriteAttributeInt(group, "terms", ai->terms));
  PetscCall(SNAHDF5WriteAttributeString(group, "atom_columns", "A,alpha,omega,phi"));
  PetscCall(SNAHDF5WriteArray(group, "atoms", 4, dims, ai->theta));
  PetscFunctionReturn(0);
}

/* Reads the AION attributes and atoms; the sizes are checked against overflow and against the shape of
   the atoms in the file before anything is allocated from them. */
PetscErrorCode SNALoad_Aion(SNA sna, hid_t group)
{
  SNA_Aion *ai = (SNA_Aion *)sna->data;
  PetscInt  rank, terms, n;
  hsize_t   dims[4];

  PetscFunctionBegin;
  PetscCall(SNAHDF5ReadAttributeInt(group, "rank", &rank));
  PetscCall(SNAHDF5ReadAttributeInt(group, "terms", &terms));
  PetscCheck(rank >= 1 && rank <= SNA_AION_MAX_RANK && terms >= 1 && terms <= SNA_AION_MAX_TERMS, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "Implausible AION sizes in the model (rank %" PetscInt_FMT ", terms %" PetscInt_FMT "): corrupt file", rank, terms);
  PetscCheck(sna->dim_out == 1, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "An AION model has one output, but the file declares %" PetscInt_FMT ": corrupt file", sna->dim_out);
  {
    const PetscInt f[4] = {4, sna->dim_in, rank, terms};

    PetscCall(SNAHDF5SizeProduct("AION parameters (4 x d x rank x terms)", 4, f, &n));
  }
  dims[0] = (hsize_t)sna->dim_in;
  dims[1] = (hsize_t)rank;
  dims[2] = (hsize_t)terms;
  dims[3] = 4;
  PetscCall(SNAHDF5CheckArray(group, "atoms", 4, dims));
  PetscCall(SNAAionSetAtoms(sna, rank, terms));
  PetscCall(SNAAionAllocate(sna));
  PetscCall(SNAHDF5ReadArray(group, "atoms", 4, dims, ai->theta));
  PetscFunctionReturn(0);
}
