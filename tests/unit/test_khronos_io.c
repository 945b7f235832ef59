static const char help[] = "KHRONOS HDF5 model files: bitwise round trip, atomic overwrite, rejection of bad files.\n"
                           "Usage: test_khronos_io <scratch directory>\n";

#include <snaps.h>
#include <snaps/private/khronosimpl.h>
#include <string.h>

/* A small fitted 3-input, 2-output model (refined once, so knots are not the default ones). */
static PetscErrorCode MakeModel(SNA *sna)
{
  Vec            X, Y;
  PetscReal     *x, *y;
  PetscRandom    rnd;
  const PetscInt N = 400;

  PetscFunctionBegin;
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, 3 * N, &X));
  PetscCall(VecSetBlockSize(X, 3));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, 2 * N, &Y));
  PetscCall(VecSetBlockSize(Y, 2));
  PetscCall(VecSetRandom(X, rnd));
  PetscCall(VecGetArray(X, &x));
  PetscCall(VecGetArray(Y, &y));
  for (PetscInt i = 0; i < N; i++) {
    y[2 * i]     = PetscSinReal(3 * x[3 * i]) * PetscExpReal(x[3 * i + 1]) + x[3 * i + 2];
    y[2 * i + 1] = PetscCosReal(x[3 * i] * x[3 * i + 2]);
  }
  PetscCall(VecRestoreArray(Y, &y));
  PetscCall(VecRestoreArray(X, &x));
  PetscCall(SNACreate(PETSC_COMM_SELF, sna));
  PetscCall(SNAKhronosSetBasis(*sna, 3, 6, 3));
  PetscCall(SNAKhronosSetRefinement(*sna, 1, PETSC_FALSE));
  PetscCall(SNASetTolerances(*sna, 0, 1e-8, 10));
  PetscCall(SNAFit(*sna, X, Y));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Y));
  PetscCall(PetscRandomDestroy(&rnd));
  PetscFunctionReturn(0);
}

/* Every stored number must come back bit for bit. */
static PetscErrorCode CompareBitwise(SNA a, SNA b)
{
  SNA_Khronos   *ka = (SNA_Khronos *)a->data, *kb = (SNA_Khronos *)b->data;
  const PetscInt d = a->dim_in, q = a->dim_out;
  PetscBool      same;

  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompare((PetscObject)b, SNAKHRONOS, &same));
  PetscCheck(same, PETSC_COMM_SELF, PETSC_ERR_PLIB, "Loaded model has the wrong type");
  PetscCheck(a->dim_in == b->dim_in && a->dim_out == b->dim_out && a->nparams == b->nparams, PETSC_COMM_SELF, PETSC_ERR_PLIB, "Sizes differ after the round trip");
  PetscCheck(ka->degree == kb->degree && ka->nnodes == kb->nnodes && !memcmp(ka->nodes, kb->nodes, ka->nnodes * sizeof(PetscInt)) && ka->modes == kb->modes, PETSC_COMM_SELF, PETSC_ERR_PLIB, "KHRONOS sizes differ after the round trip");
  PetscCheck(!memcmp(a->lower, b->lower, d * sizeof(PetscReal)) && !memcmp(a->upper, b->upper, d * sizeof(PetscReal)), PETSC_COMM_SELF, PETSC_ERR_PLIB, "Bounds differ");
  PetscCheck(!memcmp(ka->W, kb->W, ka->start[d] * ka->modes * sizeof(PetscReal)), PETSC_COMM_SELF, PETSC_ERR_PLIB, "W differs after the round trip");
  PetscCheck(!memcmp(ka->C, kb->C, ka->modes * q * sizeof(PetscReal)), PETSC_COMM_SELF, PETSC_ERR_PLIB, "C differs after the round trip");
  for (PetscInt p = 0; p < d; p++) PetscCheck(!memcmp(ka->basis[p].knots, kb->basis[p].knots, ka->basis[p].nknots * sizeof(PetscReal)), PETSC_COMM_SELF, PETSC_ERR_PLIB, "Knots of input %" PetscInt_FMT " differ", p);
  PetscFunctionReturn(0);
}

/* SNALoad must fail (non-zero code) on this file. */
static PetscErrorCode ExpectLoadFailure(const char file[], const char why[])
{
  SNA            sna;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(SNACreate(PETSC_COMM_SELF, &sna));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = SNALoad(sna, file);
  PetscCall(PetscPopErrorHandler());
  PetscCall(SNADestroy(&sna));
  PetscCheck(ierr, PETSC_COMM_SELF, PETSC_ERR_PLIB, "Loading %s (%s) should fail", file, why);
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "rejected %-28s (error %d)\n", why, (int)ierr));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  SNA   a, b;
  char  file[PETSC_MAX_PATH_LEN], junk[PETSC_MAX_PATH_LEN], trunc[PETSC_MAX_PATH_LEN];
  FILE *fp;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCheck(argc > 1, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "Usage: test_khronos_io <scratch directory>");
  PetscCall(PetscSNPrintf(file, sizeof(file), "%s/khronos_io.h5", argv[1]));
  PetscCall(PetscSNPrintf(junk, sizeof(junk), "%s/khronos_io_junk.h5", argv[1]));
  PetscCall(PetscSNPrintf(trunc, sizeof(trunc), "%s/khronos_io_trunc.h5", argv[1]));

  PetscCall(MakeModel(&a));
  PetscCall(SNASave(a, file));
  PetscCall(SNACreate(PETSC_COMM_SELF, &b));
  PetscCall(SNALoad(b, file));
  PetscCall(CompareBitwise(a, b));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "round trip: bitwise identical (W, C, knots, bounds)\n"));
  /* loading into an SNA that already holds a model replaces it */
  PetscCall(SNALoad(b, file));
  PetscCall(CompareBitwise(a, b));
  PetscCall(SNASave(b, file)); /* overwrite in place, then once more round trip */
  PetscCall(SNALoad(b, file));
  PetscCall(CompareBitwise(a, b));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "reload and overwrite: bitwise identical\n"));

  /* bad files */
  PetscCall(ExpectLoadFailure("/nonexistent/model.h5", "missing file"));
  fp = fopen(junk, "w");
  PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot write %s", junk);
  fprintf(fp, "this is not a model\n");
  fclose(fp);
  PetscCall(ExpectLoadFailure(junk, "text file"));
  { /* the first 600 bytes of a good model */
    char   buf[600];
    FILE  *in = fopen(file, "rb");
    size_t n  = fread(buf, 1, sizeof(buf), in);
    fclose(in);
    fp = fopen(trunc, "wb");
    fwrite(buf, 1, n, fp);
    fclose(fp);
  }
  PetscCall(ExpectLoadFailure(trunc, "truncated model"));

  /* a failed save must leave the existing file intact */
  {
    PetscErrorCode ierr;
    SNA            empty;
    PetscCall(SNACreate(PETSC_COMM_SELF, &empty));
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = SNASave(empty, file); /* not fitted: refused */
    PetscCall(PetscPopErrorHandler());
    PetscCheck(ierr, PETSC_COMM_SELF, PETSC_ERR_PLIB, "Saving an unfitted model should fail");
    PetscCall(SNADestroy(&empty));
    PetscCall(SNALoad(b, file));
    PetscCall(CompareBitwise(a, b));
    PetscCall(PetscSNPrintf(junk, sizeof(junk), "%s/no/such/dir/model.h5", argv[1]));
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = SNASave(a, junk);
    PetscCall(PetscPopErrorHandler());
    PetscCheck(ierr, PETSC_COMM_SELF, PETSC_ERR_PLIB, "Saving into a missing directory should fail");
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "failed saves leave the existing model intact\n"));
  }
  PetscCall(SNADestroy(&a));
  PetscCall(SNADestroy(&b));
  PetscCall(PetscFinalize());
  return 0;
}
