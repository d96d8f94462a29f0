// rl-compress shim between Java (java.lang.foreign) and libmujoco.
//
// Why it exists: MuJoCo reports fatal errors through mju_user_error, and when that handler returns
// (or when none is installed) the library exits the process. Java cannot unwind native frames, so
// this shim installs a handler that longjmps back to the guarded entry point that called MuJoCo
// (thread-local), which then returns an error code and MuJoCo's message to Java. Warnings (unstable
// simulation, bad qacc...) are counted per step from mjData.warning and their text kept per thread.
// It also hands Java the addresses of the mjModel/mjData arrays it reads, so Java needs no copy of
// MuJoCo's struct layouts: those pointers are fixed for the lifetime of an mjData.
#include <mujoco/mujoco.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#define RLC_MSG 1024

static _Thread_local jmp_buf* rlc_jump;         // the active guard of this thread, or NULL
static _Thread_local char rlc_error[RLC_MSG];    // the last fatal error message
static _Thread_local char rlc_warning[RLC_MSG];  // the last warning message

static void copy_msg(char* dst, const char* src) {
  strncpy(dst, src ? src : "", RLC_MSG - 1);
  dst[RLC_MSG - 1] = 0;
}

static void on_error(const char* msg) {
  copy_msg(rlc_error, msg);
  if (rlc_jump) longjmp(*rlc_jump, 1);
  // Not inside a guarded call: nothing to return to. Report and let MuJoCo continue.
  fprintf(stderr, "rl-compress: MuJoCo error outside a guarded call: %s\n", msg);
}

static void on_warning(const char* msg) { copy_msg(rlc_warning, msg); }

__attribute__((constructor)) static void rlc_install(void) {
  mju_user_error = on_error;
  mju_user_warning = on_warning;
}

// Runs BODY with MuJoCo's fatal errors turned into a return of -1 (message in rlc_error).
#define GUARDED(BODY)                    \
  do {                                   \
    jmp_buf here;                        \
    jmp_buf* volatile outer = rlc_jump;  \
    if (setjmp(here)) {                  \
      rlc_jump = outer;                  \
      return -1;                         \
    }                                    \
    rlc_jump = &here;                    \
    BODY;                                \
    rlc_jump = outer;                    \
  } while (0)

const char* rlc_last_error(void) { return rlc_error; }

const char* rlc_last_warning(void) { return rlc_warning; }

const char* rlc_version(void) { return mj_versionString(); }

int rlc_nwarning(void) { return mjNWARNING; }

// Short names of the warning kinds (mjtWarning), so Java need not copy the enum.
const char* rlc_warning_name(int k) {
  switch (k) {
    case mjWARN_INERTIA: return "inertia";
    case mjWARN_CONTACTFULL: return "contactfull";
    case mjWARN_CNSTRFULL: return "cnstrfull";
    case mjWARN_BADQPOS: return "badqpos";
    case mjWARN_BADQVEL: return "badqvel";
    case mjWARN_BADQACC: return "badqacc";
    case mjWARN_BADCTRL: return "badctrl";
    default: return "other";
  }
}

// Loads an MJCF file; 0 and *out set on success, -1 with rlc_last_error() on failure.
int rlc_load(const char* path, mjModel** out) {
  *out = NULL;
  rlc_error[0] = 0;
  GUARDED({
    char err[RLC_MSG] = "";
    *out = mj_loadXML(path, NULL, err, RLC_MSG);
    if (!*out) {
      copy_msg(rlc_error, err[0] ? err : "mj_loadXML failed");
      rlc_jump = outer;
      return -1;
    }
  });
  return 0;
}

int rlc_make_data(const mjModel* m, mjData** out) {
  *out = NULL;
  GUARDED(*out = mj_makeData(m));
  if (!*out) {
    copy_msg(rlc_error, "mj_makeData: could not allocate mjData");
    return -1;
  }
  return 0;
}

void rlc_free(mjModel* m, mjData* d) {
  if (d) mj_deleteData(d);
  if (m) mj_deleteModel(m);
}

int rlc_reset(const mjModel* m, mjData* d) {
  GUARDED(mj_resetData(m, d));
  return 0;
}

int rlc_forward(const mjModel* m, mjData* d) {
  GUARDED(mj_forward(m, d));
  return 0;
}

// nstep calls of mj_step (Gymnasium's frame skip), then mj_rnePostConstraint when post != 0 (fills
// cfrc_ext). warnings[k] receives how often warning k was raised during these steps: the counters
// in mjData are cleared before each mj_step so that a warning raised again (after MuJoCo's automatic
// reset, which also clears them) is still seen. They have no effect on the physics.
int rlc_step(const mjModel* m, mjData* d, int nstep, int post, int* warnings) {
  for (int k = 0; k < mjNWARNING; k++) warnings[k] = 0;
  GUARDED({
    for (int i = 0; i < nstep; i++) {
      for (int k = 0; k < mjNWARNING; k++) d->warning[k].number = 0;
      mj_step(m, d);
      for (int k = 0; k < mjNWARNING; k++) warnings[k] += d->warning[k].number;
    }
    if (post) mj_rnePostConstraint(m, d);
  });
  return 0;
}

int rlc_name2id(const mjModel* m, int type, const char* name) { return mj_name2id(m, type, name); }

// Sizes of the model Java needs. Keep in step with MjSim.Size.
int rlc_model_size(const mjModel* m, int which) {
  switch (which) {
    case 0: return m->nq;
    case 1: return m->nv;
    case 2: return m->nu;
    case 3: return m->nbody;
    case 4: return m->nsite;
    case 5: return m->na;
    case 6: return m->nsensordata;
    default: return -1;
  }
}

double rlc_timestep(const mjModel* m) { return m->opt.timestep; }

// Model arrays (read-only for Java). Keep in step with MjSim.ModelArray.
const double* rlc_model_array(const mjModel* m, int which) {
  switch (which) {
    case 0: return m->body_mass;
    case 1: return m->actuator_ctrlrange;
    case 2: return m->qpos0;
    default: return NULL;
  }
}

// Data arrays; their addresses do not change for the lifetime of d. Keep in step with MjSim.DataArray.
double* rlc_data_array(mjData* d, int which) {
  switch (which) {
    case 0: return d->qpos;
    case 1: return d->qvel;
    case 2: return d->ctrl;
    case 3: return d->xpos;
    case 4: return d->xipos;
    case 5: return d->cinert;
    case 6: return d->cvel;
    case 7: return d->cfrc_ext;
    case 8: return d->qfrc_actuator;
    case 9: return d->qfrc_constraint;
    case 10: return d->site_xpos;
    case 11: return d->sensordata;
    case 12: return d->act;
    case 13: return d->qacc_warmstart;
    default: return NULL;
  }
}

double rlc_time(const mjData* d) { return d->time; }
