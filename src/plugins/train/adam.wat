;; Adam's update for one weight tensor, in float32, four weights at a time (SIMD) and then one at a
;; time for the rest. The same operations in the same order as tfjs's AdamOptimizer, each an IEEE
;; float32 operation (wasm has no fused multiply-add here), so the results are tfjs's to the last bit:
;;   m ← m·β1 + g·(1−β1)          v ← v·β2 + (g·g)·(1−β2)
;;   w ← ((m/bc1) / (√(v/bc2) + ε))·(−lr) + w
;; g, m, v and w are byte offsets of n floats in the memory it is given (WasmAdam's own, or tfjs's
;; wasm heap for a stack of seeds, stacked-adam.ts); m, v and w are updated in place.
;;
;; Dead units (a ReLU unit no window activates) get gradients of exactly 0, so their first moments
;; decay by β1 a step into float32's subnormal range, and stay there (k·β1 rounds back to k for
;; k ≤ 4). On many x86 processors every SIMD operation that meets a subnormal takes a slow
;; microcode path, which made Adam 40% of a stacked training. With $shortcut set (adam.ts: β1 ≤
;; 0.9, β2 ≥ 0.5, ε ≥ 1e-7, learning rate ≤ 0.05), a lane whose g is ±0, m is subnormal
;; (±k·2⁻¹⁴⁹), |w| ≥ 2⁻⁷⁰ and v ≥ 2⁻¹²⁵ — told apart with integer compares on the bits — takes
;; m' = ±nearest(k·β1)·2⁻¹⁴⁹ computed on integers and float64 (what float32's m·β1 + g·(1−β1)
;; rounds to), and the rest with m replaced by 0. Its exact results: v' = v·β2 (the same operations
;; either way) and w' = w, because its update is at most 0.05 · 10·2⁻¹²⁶ / 1e-7 ≈ 2⁻¹⁰³·⁷, under a
;; quarter of w's ulp (≥ 2⁻⁹⁵), so w + update rounds to w; with m = 0 the update is ±0 and w + ±0
;; is w. So no float32 operation meets those subnormals, and every bit is what the plain arithmetic
;; gives (test/unit/adam-kernel.test.ts checks it against a float32 reference).
;; Compiled to adam.wasm by `npm run wasm` (scripts/build-wasm.ts); a test checks the two agree.
(module
  (import "env" "memory" (memory 1))
  (func (export "adam")
    (param $g i32) (param $m i32) (param $v i32) (param $w i32) (param $n i32)
    (param $beta1 f32) (param $beta2 f32) (param $oneMinusBeta1 f32) (param $oneMinusBeta2 f32)
    (param $biasCorrection1 f32) (param $biasCorrection2 f32) (param $epsilon f32) (param $negativeLearningRate f32)
    (param $shortcut i32)
    (local $offset i32) (local $vectorEnd i32) (local $end i32)
    (local $gi f32) (local $mi f32) (local $vi f32)
    (local $gv v128) (local $mv v128) (local $vv v128)
    (local $m0 v128) (local $dead v128) (local $allowed v128) (local $k v128) (local $decayed v128) (local $beta1x2 v128)
    (local.set $allowed (i32x4.splat (local.get $shortcut)))
    (local.set $beta1x2 (f64x2.splat (f64.promote_f32 (local.get $beta1))))
    (local.set $vectorEnd (i32.shl (i32.shr_u (local.get $n) (i32.const 2)) (i32.const 4)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.ge_u (local.get $offset) (local.get $vectorEnd)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $offset))))
        (local.set $m0 (v128.load (i32.add (local.get $m) (local.get $offset))))
        ;; Dead lanes (see above): |g| = 0, m subnormal (|m| − 1 < 2²³ − 1 as unsigned bits), |w| ≥ 2⁻⁷⁰, v ≥ 2⁻¹²⁵.
        (local.set $dead
          (v128.and
            (v128.and (local.get $allowed)
              (i32x4.eq (v128.and (local.get $gv) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)) (v128.const i32x4 0 0 0 0)))
            (v128.and
              (i32x4.lt_u
                (i32x4.sub (v128.and (local.get $m0) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)) (v128.const i32x4 1 1 1 1))
                (v128.const i32x4 0x007fffff 0x007fffff 0x007fffff 0x007fffff))
              (v128.and
                (i32x4.ge_u
                  (v128.and (v128.load (i32.add (local.get $w) (local.get $offset))) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff))
                  (v128.const i32x4 0x1c800000 0x1c800000 0x1c800000 0x1c800000))
                (i32x4.ge_u (v128.load (i32.add (local.get $v) (local.get $offset))) (v128.const i32x4 0x01000000 0x01000000 0x01000000 0x01000000))))))
        ;; A dead lane's m' = m·β1 rounded onto the subnormal grid: m = ±k·2⁻¹⁴⁹, so m' = ±nearest(k·β1)·2⁻¹⁴⁹,
        ;; with k·β1 exact in float64 (23 bits times 24) and nearest rounding half to even, as float32 does.
        (local.set $k (v128.and (local.get $m0) (v128.const i32x4 0x007fffff 0x007fffff 0x007fffff 0x007fffff)))
        (local.set $decayed
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (i32x4.trunc_sat_f64x2_u_zero (f64x2.nearest (f64x2.mul (f64x2.convert_low_i32x4_u (local.get $k)) (local.get $beta1x2))))
            (i32x4.trunc_sat_f64x2_u_zero
              (f64x2.nearest
                (f64x2.mul
                  (f64x2.convert_low_i32x4_u (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $k) (local.get $k)))
                  (local.get $beta1x2))))))
        (local.set $decayed (v128.or (local.get $decayed) (v128.and (local.get $m0) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))))
        ;; Four dead lanes (a fifth of a stacked training's vectors): m' and v' = v·β2 (+ g·g·(1−β2) = +0),
        ;; and w stays; the divisions and the square root are not needed.
        (if (i32x4.all_true (local.get $dead))
          (then
            (v128.store (i32.add (local.get $m) (local.get $offset)) (local.get $decayed))
            (v128.store (i32.add (local.get $v) (local.get $offset))
              (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $offset))) (f32x4.splat (local.get $beta2))))
            (local.set $offset (i32.add (local.get $offset) (i32.const 16)))
            (br $vectors)))
        (local.set $mv
          (f32x4.add
            (f32x4.mul (v128.andnot (local.get $m0) (local.get $dead)) (f32x4.splat (local.get $beta1)))
            (f32x4.mul (local.get $gv) (f32x4.splat (local.get $oneMinusBeta1)))))
        (local.set $vv
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $offset))) (f32x4.splat (local.get $beta2)))
            (f32x4.mul (f32x4.mul (local.get $gv) (local.get $gv)) (f32x4.splat (local.get $oneMinusBeta2)))))
        (v128.store (i32.add (local.get $m) (local.get $offset)) (v128.bitselect (local.get $decayed) (local.get $mv) (local.get $dead)))
        (v128.store (i32.add (local.get $v) (local.get $offset)) (local.get $vv))
        (v128.store (i32.add (local.get $w) (local.get $offset))
          (f32x4.add
            (f32x4.mul
              (f32x4.div
                (f32x4.div (local.get $mv) (f32x4.splat (local.get $biasCorrection1)))
                (f32x4.add
                  (f32x4.sqrt (f32x4.div (local.get $vv) (f32x4.splat (local.get $biasCorrection2))))
                  (f32x4.splat (local.get $epsilon))))
              (f32x4.splat (local.get $negativeLearningRate)))
            (v128.load (i32.add (local.get $w) (local.get $offset)))))
        (local.set $offset (i32.add (local.get $offset) (i32.const 16)))
        (br $vectors)))
    (block $scalarsDone
      (loop $scalars
        (br_if $scalarsDone (i32.ge_u (local.get $offset) (local.get $end)))
        (local.set $gi (f32.load (i32.add (local.get $g) (local.get $offset))))
        (local.set $mi
          (f32.add
            (f32.mul (f32.load (i32.add (local.get $m) (local.get $offset))) (local.get $beta1))
            (f32.mul (local.get $gi) (local.get $oneMinusBeta1))))
        (local.set $vi
          (f32.add
            (f32.mul (f32.load (i32.add (local.get $v) (local.get $offset))) (local.get $beta2))
            (f32.mul (f32.mul (local.get $gi) (local.get $gi)) (local.get $oneMinusBeta2))))
        (f32.store (i32.add (local.get $m) (local.get $offset)) (local.get $mi))
        (f32.store (i32.add (local.get $v) (local.get $offset)) (local.get $vi))
        (f32.store (i32.add (local.get $w) (local.get $offset))
          (f32.add
            (f32.mul
              (f32.div
                (f32.div (local.get $mi) (local.get $biasCorrection1))
                (f32.add (f32.sqrt (f32.div (local.get $vi) (local.get $biasCorrection2))) (local.get $epsilon)))
              (local.get $negativeLearningRate))
            (f32.load (i32.add (local.get $w) (local.get $offset)))))
        (local.set $offset (i32.add (local.get $offset) (i32.const 4)))
        (br $scalars)))))
