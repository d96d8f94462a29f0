package dev.rlcompress.rt.kernel;

import static dev.rlcompress.rt.kernel.Lanes.L;
import static dev.rlcompress.rt.kernel.Lanes.S;

import jdk.incubator.vector.FloatVector;

/**
 * 2-D convolution over NCHW input as im2col plus a matrix product: the input is unfolded into
 * columns [inC·kh·kw][outH·outW] (zeros where the window covers padding), then
 * out[oc][p] = Σ_k W[oc][k]·col[k][p] + b[oc] with vectors along the output positions, four output
 * channels by four vectors per register tile. The product writes channel-major rows, which is the
 * NCHW output directly.
 */
public final class Conv implements Step {
  /** Geometry of one convolution: its input's channels and size, its output channels, and its window. */
  public record Geometry(int inC, int inH, int inW, int outC, Window window) {
    public int kh() {
      return window.kh();
    }

    public int kw() {
      return window.kw();
    }

    public int strideH() {
      return window.strideH();
    }

    public int strideW() {
      return window.strideW();
    }

    public int padTop() {
      return window.pads().top();
    }

    public int padLeft() {
      return window.pads().left();
    }

    public int outH() {
      return (inH + window.pads().top() + window.pads().bottom() - window.kh()) / window.strideH() + 1;
    }

    public int outW() {
      return (inW + window.pads().left() + window.pads().right() - window.kw()) / window.strideW() + 1;
    }
  }

  /** The kernel's height and width, its strides, and the padding around the input. */
  public record Window(int kh, int kw, int strideH, int strideW, Pads pads) {}

  /** Zero rows and columns added around the input, as ONNX's pads attribute orders them. */
  public record Pads(int top, int left, int bottom, int right) {}

  private final Geometry g;
  private final int k, positions, pStride; // pStride: positions rounded up to whole vectors
  private final float[] w; // [outC][k]
  private final float[] bias;
  private final float floor;

  public Conv(Geometry g, float[] weight, float[] bias, float floor) {
    this.g = g;
    this.k = g.inC() * g.kh() * g.kw();
    this.positions = g.outH() * g.outW();
    this.pStride = Lanes.roundUp(positions, L);
    this.w = weight.clone();
    this.bias = bias.clone();
    this.floor = floor;
  }

  @Override
  public int inWidth() {
    return g.inC() * g.inH() * g.inW();
  }

  @Override
  public int outWidth() {
    return g.outC() * positions;
  }

  @Override
  public long weightBytes() {
    return 4L * (w.length + bias.length);
  }

  @Override
  public int scratchFloats(int batch) {
    return k * pStride + g.outC() * pStride;
  }

  @Override
  public String describe() {
    return String.format("conv %dx%dx%d -> %dx%dx%d k%dx%d s%d im2col+gemm%s", g.inC(), g.inH(), g.inW(), g.outC(), g.outH(), g.outW(),
        g.kh(), g.kw(), g.strideH(), floor == 0f ? " +relu" : "");
  }

  @Override
  public void run(float[] x, float[] y, int batch, Scratch s) {
    int xs = Lanes.stride(inWidth()), ys = Lanes.stride(outWidth());
    float[] col = s.extra;
    int outOff = k * pStride;
    for (int r = 0; r < batch; r++) {
      im2col(x, r * xs, col);
      gemm(col, col, outOff);
      int yo = r * ys;
      for (int oc = 0; oc < g.outC(); oc++) System.arraycopy(col, outOff + oc * pStride, y, yo + oc * positions, positions);
      java.util.Arrays.fill(y, yo + outWidth(), yo + ys, 0f);
    }
  }

  private void im2col(float[] x, int xo, float[] col) {
    int ow = g.outW(), oh = g.outH();
    for (int c = 0; c < g.inC(); c++)
      for (int ky = 0; ky < g.kh(); ky++)
        for (int kx = 0; kx < g.kw(); kx++) {
          int row = ((c * g.kh() + ky) * g.kw() + kx) * pStride;
          for (int oy = 0; oy < oh; oy++) {
            int iy = oy * g.strideH() - g.padTop() + ky, o = row + oy * ow;
            if (iy < 0 || iy >= g.inH()) {
              java.util.Arrays.fill(col, o, o + ow, 0f);
              continue;
            }
            int base = xo + (c * g.inH() + iy) * g.inW();
            for (int ox = 0; ox < ow; ox++) {
              int ix = ox * g.strideW() - g.padLeft() + kx;
              col[o + ox] = ix >= 0 && ix < g.inW() ? x[base + ix] : 0f;
            }
          }
          java.util.Arrays.fill(col, row + positions, row + pStride, 0f);
        }
  }

  /** out[oc][p] over vectors of positions: tiles of 4 channels × 4 vectors, then narrower edges. */
  private void gemm(float[] col, float[] out, int outOff) {
    int oc = 0, nOut = g.outC();
    for (; oc + 4 <= nOut; oc += 4) {
      int p = 0;
      for (; p + 4 * L <= pStride; p += 4 * L) tile4x4(col, out, outOff, oc, p);
      for (; p < pStride; p += L) for (int c = oc; c < oc + 4; c++) tile1x1(col, out, outOff, c, p);
    }
    for (; oc < nOut; oc++) for (int p = 0; p < pStride; p += L) tile1x1(col, out, outOff, oc, p);
  }

  private void tile4x4(float[] col, float[] out, int outOff, int oc, int p) {
    FloatVector c00 = FloatVector.broadcast(S, bias[oc]), c01 = c00, c02 = c00, c03 = c00;
    FloatVector c10 = FloatVector.broadcast(S, bias[oc + 1]), c11 = c10, c12 = c10, c13 = c10;
    FloatVector c20 = FloatVector.broadcast(S, bias[oc + 2]), c21 = c20, c22 = c20, c23 = c20;
    FloatVector c30 = FloatVector.broadcast(S, bias[oc + 3]), c31 = c30, c32 = c30, c33 = c30;
    int w0 = oc * k;
    for (int kk = 0, o = p; kk < k; kk++, o += pStride) {
      FloatVector b0 = FloatVector.fromArray(S, col, o), b1 = FloatVector.fromArray(S, col, o + L);
      FloatVector b2 = FloatVector.fromArray(S, col, o + 2 * L), b3 = FloatVector.fromArray(S, col, o + 3 * L);
      FloatVector v = FloatVector.broadcast(S, w[w0 + kk]);
      c00 = v.fma(b0, c00);
      c01 = v.fma(b1, c01);
      c02 = v.fma(b2, c02);
      c03 = v.fma(b3, c03);
      v = FloatVector.broadcast(S, w[w0 + k + kk]);
      c10 = v.fma(b0, c10);
      c11 = v.fma(b1, c11);
      c12 = v.fma(b2, c12);
      c13 = v.fma(b3, c13);
      v = FloatVector.broadcast(S, w[w0 + 2 * k + kk]);
      c20 = v.fma(b0, c20);
      c21 = v.fma(b1, c21);
      c22 = v.fma(b2, c22);
      c23 = v.fma(b3, c23);
      v = FloatVector.broadcast(S, w[w0 + 3 * k + kk]);
      c30 = v.fma(b0, c30);
      c31 = v.fma(b1, c31);
      c32 = v.fma(b2, c32);
      c33 = v.fma(b3, c33);
    }
    int t = outOff + oc * pStride + p;
    c00.max(floor).intoArray(out, t);
    c01.max(floor).intoArray(out, t + L);
    c02.max(floor).intoArray(out, t + 2 * L);
    c03.max(floor).intoArray(out, t + 3 * L);
    c10.max(floor).intoArray(out, t + pStride);
    c11.max(floor).intoArray(out, t + pStride + L);
    c12.max(floor).intoArray(out, t + pStride + 2 * L);
    c13.max(floor).intoArray(out, t + pStride + 3 * L);
    c20.max(floor).intoArray(out, t + 2 * pStride);
    c21.max(floor).intoArray(out, t + 2 * pStride + L);
    c22.max(floor).intoArray(out, t + 2 * pStride + 2 * L);
    c23.max(floor).intoArray(out, t + 2 * pStride + 3 * L);
    c30.max(floor).intoArray(out, t + 3 * pStride);
    c31.max(floor).intoArray(out, t + 3 * pStride + L);
    c32.max(floor).intoArray(out, t + 3 * pStride + 2 * L);
    c33.max(floor).intoArray(out, t + 3 * pStride + 3 * L);
  }

  private void tile1x1(float[] col, float[] out, int outOff, int oc, int p) {
    FloatVector c = FloatVector.broadcast(S, bias[oc]);
    for (int kk = 0, o = p, w0 = oc * k; kk < k; kk++, o += pStride)
      c = FloatVector.broadcast(S, w[w0 + kk]).fma(FloatVector.fromArray(S, col, o), c);
    c.max(floor).intoArray(out, outOff + oc * pStride + p);
  }

}
