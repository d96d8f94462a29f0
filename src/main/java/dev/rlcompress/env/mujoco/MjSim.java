package dev.rlcompress.env.mujoco;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.rlcompress.env.python.PythonEnv;
import dev.rlcompress.util.UserError;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Cleaner;
import java.nio.file.Path;

/**
 * One MuJoCo model with its simulation data, bound through java.lang.foreign to libmujoco (the
 * {@code mujoco} wheel's own build) via the rl-compress shim ({@code src/main/c/rlc_mujoco.c}).
 *
 * <p>Arrays of the model and data are exposed as native {@link MemorySegment}s read and written in
 * place: their addresses are fixed for the life of the data, so per-step access costs no call into
 * native code. Fatal MuJoCo errors become {@link MujocoException}s. Native memory is released by
 * {@link #close()}; a {@link Cleaner} releases it if an instance is dropped without closing.
 */
public final class MjSim implements AutoCloseable {
  /** Arrays of mjData (the shim's {@code rlc_data_array} indices). */
  public enum DataArray { QPOS, QVEL, CTRL, XPOS, XIPOS, CINERT, CVEL, CFRC_EXT, QFRC_ACTUATOR, QFRC_CONSTRAINT, SITE_XPOS, SENSORDATA }

  /** mjtObj values used with {@link #id}: MuJoCo's mjOBJ_BODY and mjOBJ_SITE (mjmodel.h). */
  public static final int OBJ_BODY = 1, OBJ_SITE = 6;

  private static final Cleaner CLEANER = Cleaner.create();

  private final Native lib;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment model, data;
  private final Cleaner.Cleanable cleanable;
  private final MemorySegment warnings;
  private final int nq, nv, nu, nbody, nsite;
  private final double timestep;
  private final MemorySegment[] arrays = new MemorySegment[DataArray.values().length];
  private boolean closed;

  /** Loads an MJCF file. */
  public MjSim(Path xml) {
    lib = Native.get();
    MemorySegment out = arena.allocate(ADDRESS);
    int loaded = lib.call(lib.load, arena.allocateFrom(xml.toString()), out);
    if (loaded != 0) arena.close();
    check(loaded, "cannot load " + xml);
    model = out.get(ADDRESS, 0);
    int rc = lib.call(lib.makeData, model, out);
    MemorySegment d = rc == 0 ? out.get(ADDRESS, 0) : MemorySegment.NULL;
    MemorySegment m = model;
    Native l = lib;
    cleanable = CLEANER.register(this, () -> l.free(m, d));
    if (rc != 0) {
      cleanable.clean();
      arena.close();
      check(rc, "cannot create data for " + xml);
    }
    data = d;
    warnings = arena.allocate(JAVA_INT, lib.nwarning);
    nq = lib.size(model, 0);
    nv = lib.size(model, 1);
    nu = lib.size(model, 2);
    nbody = lib.size(model, 3);
    nsite = lib.size(model, 4);
    timestep = lib.timestep(model);
    int[] lengths = {nq, nv, nu, 3 * nbody, 3 * nbody, 10 * nbody, 6 * nbody, 6 * nbody, nv, nv, 3 * nsite, lib.size(model, 6)};
    for (DataArray a : DataArray.values())
      arrays[a.ordinal()] = lib.dataArray(data, a.ordinal()).reinterpret((long) lengths[a.ordinal()] * Double.BYTES);
  }

  public int nq() { return nq; }

  public int nv() { return nv; }

  public int nu() { return nu; }

  public int nbody() { return nbody; }

  /** The model's integration step (opt.timestep). */
  public double timestep() { return timestep; }

  /** Simulated time (mjData.time), seconds. */
  public double time() {
    checkOpen();
    try {
      return (double) lib.time.invokeExact(data);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** An mjData array, read and written in place. */
  public MemorySegment array(DataArray a) {
    checkOpen();
    return arrays[a.ordinal()];
  }

  /** A copy of an mjData array. */
  public double[] copy(DataArray a) {
    return array(a).toArray(JAVA_DOUBLE);
  }

  /** One element of an mjData array. */
  public double get(DataArray a, int i) {
    return arrays[a.ordinal()].getAtIndex(JAVA_DOUBLE, i);
  }

  /** Model arrays as copies: body masses (nbody), actuator control ranges (nu × 2), qpos0 (nq). */
  public double[] bodyMass() { return modelArray(0, nbody); }

  public double[] actuatorCtrlRange() { return modelArray(1, 2 * nu); }

  public double[] qpos0() { return modelArray(2, nq); }

  private double[] modelArray(int which, int n) {
    checkOpen();
    return n == 0 ? new double[0] : lib.modelArray(model, which).reinterpret((long) n * Double.BYTES).toArray(JAVA_DOUBLE);
  }

  /** Id of a named body or site; fails for an unknown name. */
  public int id(int objType, String name) {
    checkOpen();
    try (Arena a = Arena.ofConfined()) {
      int id = (int) lib.name2id.invokeExact(model, objType, a.allocateFrom(name));
      if (id < 0) throw new IllegalArgumentException("the model has no object '" + name + "' of type " + objType);
      return id;
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** mj_resetData: the model's initial state, time 0, warnings cleared. */
  public void reset() {
    checkOpen();
    check(lib.call(lib.reset, model, data), "mj_resetData");
  }

  /** mj_forward: recomputes everything derived from the state (after qpos/qvel were written). */
  public void forward() {
    checkOpen();
    check(lib.call(lib.forward, model, data), "mj_forward");
  }

  /** Warnings MuJoCo raised during one {@link #step}: counts by MuJoCo's warning name, and the last text. */
  public record Warnings(java.util.Map<String, Integer> counts, String message) {}

  /**
   * {@code nstep} calls of mj_step, then mj_rnePostConstraint when {@code postConstraint} (needed
   * where cfrc_ext is read: MuJoCo leaves it zero otherwise).
   *
   * @return the warnings raised during these steps, or null when there were none (the common case
   *     allocates nothing)
   */
  public Warnings step(int nstep, boolean postConstraint) {
    checkOpen();
    int rc;
    try {
      rc = (int) lib.step.invokeExact(model, data, nstep, postConstraint ? 1 : 0, warnings);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
    check(rc, "mj_step");
    java.util.Map<String, Integer> counts = null;
    for (int k = 0; k < lib.nwarning; k++) {
      int n = warnings.getAtIndex(JAVA_INT, k);
      if (n == 0) continue;
      if (counts == null) counts = new java.util.LinkedHashMap<>();
      counts.put(lib.warningNames[k], n);
    }
    return counts == null ? null : new Warnings(counts, lib.lastWarning());
  }

  /** MuJoCo's version string (e.g. "3.14.0"). */
  public static String version() {
    return Native.get().version();
  }

  private void check(int rc, String what) {
    if (rc != 0) throw new MujocoException(what + ": " + lib.lastError());
  }

  private void checkOpen() {
    if (closed) throw new IllegalStateException("MuJoCo simulation used after close()");
  }

  /** Frees the native model and data; idempotent. */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    cleanable.clean();
    arena.close();
  }

  /** The loaded shim and its function handles; loaded once, on the first simulation. */
  private static final class Native {
    private static volatile Native instance;

    final MethodHandle load, makeData, free, reset, forward, step, name2id, size, timestep, modelArray, dataArray;
    final MethodHandle lastError, lastWarning, versionH, time;
    final int nwarning;
    final String[] warningNames;

    static Native get() {
      Native n = instance;
      if (n != null) return n;
      synchronized (Native.class) {
        if (instance == null) instance = new Native();
        return instance;
      }
    }

    private Native() {
      PythonEnv py = PythonEnv.get();
      Path shim = py.mujocoShim();
      if (shim == null)
        throw new UserError("the MuJoCo shim is not built (src/main/c/rlc_mujoco.c missing?); rerun scripts/pyenv.sh");
      Linker linker = Linker.nativeLinker();
      SymbolLookup lookup;
      try {
        lookup = SymbolLookup.libraryLookup(shim, Arena.global());
      } catch (IllegalArgumentException e) {
        throw new UserError("cannot load the MuJoCo shim " + shim + " (" + e.getMessage() + "); rerun scripts/pyenv.sh");
      }
      java.util.function.BiFunction<String, FunctionDescriptor, MethodHandle> f =
          (name, fd) -> linker.downcallHandle(lookup.find(name).orElseThrow(
              () -> new UserError("the MuJoCo shim lacks " + name + "; rerun scripts/pyenv.sh")), fd);
      load = f.apply("rlc_load", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
      makeData = f.apply("rlc_make_data", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
      free = f.apply("rlc_free", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
      reset = f.apply("rlc_reset", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
      forward = f.apply("rlc_forward", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
      step = f.apply("rlc_step", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
      name2id = f.apply("rlc_name2id", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
      size = f.apply("rlc_model_size", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
      timestep = f.apply("rlc_timestep", FunctionDescriptor.of(JAVA_DOUBLE, ADDRESS));
      modelArray = f.apply("rlc_model_array", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
      dataArray = f.apply("rlc_data_array", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
      lastError = f.apply("rlc_last_error", FunctionDescriptor.of(ADDRESS));
      lastWarning = f.apply("rlc_last_warning", FunctionDescriptor.of(ADDRESS));
      versionH = f.apply("rlc_version", FunctionDescriptor.of(ADDRESS));
      time = f.apply("rlc_time", FunctionDescriptor.of(JAVA_DOUBLE, ADDRESS));
      MethodHandle name = f.apply("rlc_warning_name", FunctionDescriptor.of(ADDRESS, JAVA_INT));
      try {
        nwarning = (int) f.apply("rlc_nwarning", FunctionDescriptor.of(JAVA_INT)).invokeExact();
        warningNames = new String[nwarning];
        for (int k = 0; k < nwarning; k++) warningNames[k] = ((MemorySegment) name.invokeExact(k)).reinterpret(64).getString(0);
      } catch (Throwable t) {
        throw new IllegalStateException(t);
      }
    }

    int call(MethodHandle h, MemorySegment a, MemorySegment b) {
      try {
        return (int) h.invokeExact(a, b);
      } catch (Throwable t) {
        throw new IllegalStateException(t);
      }
    }

    void free(MemorySegment m, MemorySegment d) {
      try {
        free.invokeExact(m, d);
      } catch (Throwable t) {
        throw new IllegalStateException(t);
      }
    }

    int size(MemorySegment m, int which) {
      try {
        return (int) size.invokeExact(m, which);
      } catch (Throwable t) {
        throw new IllegalStateException(t);
      }
    }

    double timestep(MemorySegment m) {
      try {
        return (double) timestep.invokeExact(m);
      } catch (Throwable t) {
        throw new IllegalStateException(t);
      }
    }

    MemorySegment modelArray(MemorySegment m, int which) {
      return pointer(modelArray, m, which);
    }

    MemorySegment dataArray(MemorySegment d, int which) {
      return pointer(dataArray, d, which);
    }

    private static MemorySegment pointer(MethodHandle h, MemorySegment s, int which) {
      try {
        return (MemorySegment) h.invokeExact(s, which);
      } catch (Throwable t) {
        throw new IllegalStateException(t);
      }
    }

    String lastError() { return string(lastError); }

    String lastWarning() { return string(lastWarning); }

    String version() { return string(versionH); }

    private static String string(MethodHandle h) {
      try {
        return ((MemorySegment) h.invokeExact()).reinterpret(4096).getString(0);
      } catch (Throwable t) {
        throw new IllegalStateException(t);
      }
    }
  }
}
