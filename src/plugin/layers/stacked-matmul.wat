;; Matrix products for many seeds' models at once: c[s] = a[s]·b[s] for s = 0 … seeds−1, in float32.
;; Each output is summed in order of k, starting from +0, one IEEE multiply and one add per term
;; (no fused multiply-add): the order XNNPACK's GEMM kernels use inside tfjs's wasm backend, so each
;; seed's product is what tf.matMul gives it alone, to the last bit (test/unit/stacked.test.ts).
;; SIMD runs across four or eight output columns, never across k, which would reorder the sum.
;;
;; The memory is tfjs's wasm heap (imported): a, b and c are byte offsets of tensors in it.
;; a[s] is [m, k] row-major, or [k, m] (its transpose) when $aTransposed is 1; b[s] is [k, n]; c is
;; [seeds, m, n]. $aSeed and $bSeed are the byte strides between seeds (0: one matrix for all).
;; Beside it, the element-wise steps around a dense layer's product, each as one pass instead of
;; one tfjs op apiece (a dispatch each): the bias and ReLU after the product, ReLU's gradient, and
;; the bias gradient (column sums), each computed as the tfjs op it replaces computes it.
;; Compiled to stacked-matmul.wasm by `npm run wasm` (scripts/build-wasm.ts); a test checks they agree.
(module
  (import "env" "memory" (memory 1))

  ;; Four rows × eight columns of c. $ai: bytes between rows of a; $ak: bytes between its terms.
  (func $tile4x8
    (param $a i32) (param $ai i32) (param $ak i32) (param $b i32) (param $ldb i32)
    (param $c i32) (param $ldc i32) (param $k i32)
    (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $left i32)
    (local $b0 v128) (local $b1 v128) (local $x v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $a1 (i32.add (local.get $a) (local.get $ai)))
    (local.set $a2 (i32.add (local.get $a1) (local.get $ai)))
    (local.set $a3 (i32.add (local.get $a2) (local.get $ai)))
    (local.set $left (local.get $k))
    (block $done
      (loop $terms
        (br_if $done (i32.eqz (local.get $left)))
        (local.set $b0 (v128.load (local.get $b)))
        (local.set $b1 (v128.load offset=16 (local.get $b)))
        (local.set $x (v128.load32_splat (local.get $a)))
        (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load32_splat (local.get $a1)))
        (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load32_splat (local.get $a2)))
        (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load32_splat (local.get $a3)))
        (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $a (i32.add (local.get $a) (local.get $ak)))
        (local.set $a1 (i32.add (local.get $a1) (local.get $ak)))
        (local.set $a2 (i32.add (local.get $a2) (local.get $ak)))
        (local.set $a3 (i32.add (local.get $a3) (local.get $ak)))
        (local.set $b (i32.add (local.get $b) (local.get $ldb)))
        (local.set $left (i32.sub (local.get $left) (i32.const 1)))
        (br $terms)))
    (v128.store (local.get $c) (local.get $c00))
    (v128.store offset=16 (local.get $c) (local.get $c01))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store (local.get $c) (local.get $c10))
    (v128.store offset=16 (local.get $c) (local.get $c11))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store (local.get $c) (local.get $c20))
    (v128.store offset=16 (local.get $c) (local.get $c21))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store (local.get $c) (local.get $c30))
    (v128.store offset=16 (local.get $c) (local.get $c31)))

  ;; One row × four columns of c.
  (func $tile1x4
    (param $a i32) (param $ak i32) (param $b i32) (param $ldb i32) (param $c i32) (param $k i32)
    (local $sum v128)
    (block $done
      (loop $terms
        (br_if $done (i32.eqz (local.get $k)))
        (local.set $sum
          (f32x4.add (local.get $sum) (f32x4.mul (v128.load32_splat (local.get $a)) (v128.load (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (local.get $ak)))
        (local.set $b (i32.add (local.get $b) (local.get $ldb)))
        (local.set $k (i32.sub (local.get $k) (i32.const 1)))
        (br $terms)))
    (v128.store (local.get $c) (local.get $sum)))

  ;; One element of c.
  (func $tile1x1
    (param $a i32) (param $ak i32) (param $b i32) (param $ldb i32) (param $c i32) (param $k i32)
    (local $sum f32)
    (block $done
      (loop $terms
        (br_if $done (i32.eqz (local.get $k)))
        (local.set $sum (f32.add (local.get $sum) (f32.mul (f32.load (local.get $a)) (f32.load (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (local.get $ak)))
        (local.set $b (i32.add (local.get $b) (local.get $ldb)))
        (local.set $k (i32.sub (local.get $k) (i32.const 1)))
        (br $terms)))
    (f32.store (local.get $c) (local.get $sum)))

  ;; Columns $j … n−1 of one row of c: four at a time, then one at a time.
  (func $rest
    (param $a i32) (param $ak i32) (param $b i32) (param $c i32) (param $k i32) (param $n i32) (param $j i32)
    (local $ldb i32)
    (local.set $ldb (i32.shl (local.get $n) (i32.const 2)))
    (block $quadsDone
      (loop $quads
        (br_if $quadsDone (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $n)))
        (call $tile1x4
          (local.get $a) (local.get $ak)
          (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))) (local.get $ldb)
          (i32.add (local.get $c) (i32.shl (local.get $j) (i32.const 2))) (local.get $k))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $quads)))
    (block $singlesDone
      (loop $singles
        (br_if $singlesDone (i32.ge_u (local.get $j) (local.get $n)))
        (call $tile1x1
          (local.get $a) (local.get $ak)
          (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))) (local.get $ldb)
          (i32.add (local.get $c) (i32.shl (local.get $j) (i32.const 2))) (local.get $k))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $singles))))

  (func (export "matmul")
    (param $a i32) (param $b i32) (param $c i32) (param $seeds i32)
    (param $m i32) (param $k i32) (param $n i32)
    (param $aTransposed i32) (param $aSeed i32) (param $bSeed i32)
    (local $ai i32) (local $ak i32) (local $ldc i32) (local $i i32) (local $j i32) (local $r i32)
    (local $row i32) (local $cRow i32)
    ;; Row i, term t of a: a + i·ai + t·ak.
    (if (local.get $aTransposed)
      (then
        (local.set $ai (i32.const 4))
        (local.set $ak (i32.shl (local.get $m) (i32.const 2))))
      (else
        (local.set $ai (i32.shl (local.get $k) (i32.const 2)))
        (local.set $ak (i32.const 4))))
    (local.set $ldc (i32.shl (local.get $n) (i32.const 2)))
    (block $seedsDone
      (loop $eachSeed
        (br_if $seedsDone (i32.eqz (local.get $seeds)))
        (local.set $i (i32.const 0))
        ;; Four rows at a time: eight columns at a time, then the rest of each row.
        (block $blocksDone
          (loop $blocks
            (br_if $blocksDone (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $m)))
            (local.set $row (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $ai))))
            (local.set $cRow (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $ldc))))
            (local.set $j (i32.const 0))
            (block $tilesDone
              (loop $tiles
                (br_if $tilesDone (i32.gt_u (i32.add (local.get $j) (i32.const 8)) (local.get $n)))
                (call $tile4x8
                  (local.get $row) (local.get $ai) (local.get $ak)
                  (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))) (local.get $ldc)
                  (i32.add (local.get $cRow) (i32.shl (local.get $j) (i32.const 2))) (local.get $ldc)
                  (local.get $k))
                (local.set $j (i32.add (local.get $j) (i32.const 8)))
                (br $tiles)))
            (local.set $r (i32.const 0))
            (block $rowsDone
              (loop $rows
                (br_if $rowsDone (i32.ge_u (local.get $r) (i32.const 4)))
                (call $rest
                  (i32.add (local.get $row) (i32.mul (local.get $r) (local.get $ai))) (local.get $ak)
                  (local.get $b)
                  (i32.add (local.get $cRow) (i32.mul (local.get $r) (local.get $ldc)))
                  (local.get $k) (local.get $n) (local.get $j))
                (local.set $r (i32.add (local.get $r) (i32.const 1)))
                (br $rows)))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $blocks)))
        ;; The last rows, one at a time.
        (block $lastDone
          (loop $last
            (br_if $lastDone (i32.ge_u (local.get $i) (local.get $m)))
            (call $rest
              (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $ai))) (local.get $ak)
              (local.get $b)
              (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $ldc)))
              (local.get $k) (local.get $n) (i32.const 0))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $last)))
        (local.set $a (i32.add (local.get $a) (local.get $aSeed)))
        (local.set $b (i32.add (local.get $b) (local.get $bSeed)))
        (local.set $c (i32.add (local.get $c) (i32.mul (local.get $m) (local.get $ldc))))
        (local.set $seeds (i32.sub (local.get $seeds) (i32.const 1)))
        (br $eachSeed))))

  ;; z[s, r, :] = c[s, r, :] + bias[s, :] in place (tf.add), and with $relu also a = max(z, 0)
  ;; (tf.relu: +0 for −0, NaN kept). c is [seeds, rows, n]; $biasSeed is the byte stride between
  ;; seeds' biases (0: one for all); $a is 0 without $relu.
  (func (export "biasRelu")
    (param $c i32) (param $bias i32) (param $a i32) (param $seeds i32) (param $rows i32) (param $n i32)
    (param $biasSeed i32) (param $relu i32)
    (local $r i32) (local $j i32) (local $z v128) (local $zf f32) (local $zero v128)
    (block $seedsDone
      (loop $eachSeed
        (br_if $seedsDone (i32.eqz (local.get $seeds)))
        (local.set $r (local.get $rows))
        (block $rowsDone
          (loop $eachRow
            (br_if $rowsDone (i32.eqz (local.get $r)))
            (local.set $j (i32.const 0))
            (block $quadsDone
              (loop $quads
                (br_if $quadsDone (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $n)))
                (local.set $z
                  (f32x4.add
                    (v128.load (i32.add (local.get $c) (i32.shl (local.get $j) (i32.const 2))))
                    (v128.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2))))))
                (v128.store (i32.add (local.get $c) (i32.shl (local.get $j) (i32.const 2))) (local.get $z))
                (if (local.get $relu)
                  (then (v128.store (i32.add (local.get $a) (i32.shl (local.get $j) (i32.const 2)))
                    (f32x4.max (local.get $z) (local.get $zero)))))
                (local.set $j (i32.add (local.get $j) (i32.const 4)))
                (br $quads)))
            (block $singlesDone
              (loop $singles
                (br_if $singlesDone (i32.ge_u (local.get $j) (local.get $n)))
                (local.set $zf
                  (f32.add
                    (f32.load (i32.add (local.get $c) (i32.shl (local.get $j) (i32.const 2))))
                    (f32.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2))))))
                (f32.store (i32.add (local.get $c) (i32.shl (local.get $j) (i32.const 2))) (local.get $zf))
                (if (local.get $relu)
                  (then (f32.store (i32.add (local.get $a) (i32.shl (local.get $j) (i32.const 2)))
                    (f32.max (local.get $zf) (f32.const 0)))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $singles)))
            (local.set $c (i32.add (local.get $c) (i32.shl (local.get $n) (i32.const 2))))
            (local.set $a (i32.add (local.get $a) (i32.shl (local.get $n) (i32.const 2))))
            (local.set $r (i32.sub (local.get $r) (i32.const 1)))
            (br $eachRow)))
        (local.set $bias (i32.add (local.get $bias) (local.get $biasSeed)))
        (local.set $seeds (i32.sub (local.get $seeds) (i32.const 1)))
        (br $eachSeed))))

  ;; dz = da · step(z) over $count values (tf.mul(da, tf.step(z)): step is 1 above 0, NaN for NaN,
  ;; else 0, so a negative da times 0 stays −0 as there).
  (func (export "reluGrad") (param $da i32) (param $z i32) (param $dz i32) (param $count i32)
    (local $zv v128) (local $step v128) (local $zf f32)
    (block $quadsDone
      (loop $quads
        (br_if $quadsDone (i32.lt_u (local.get $count) (i32.const 4)))
        (local.set $zv (v128.load (local.get $z)))
        ;; 1 where z > 0, else 0; NaN lanes (z ≠ z) take z itself.
        (local.set $step
          (v128.bitselect
            (local.get $zv)
            (v128.and (f32x4.gt (local.get $zv) (f32x4.splat (f32.const 0))) (f32x4.splat (f32.const 1)))
            (f32x4.ne (local.get $zv) (local.get $zv))))
        (v128.store (local.get $dz) (f32x4.mul (v128.load (local.get $da)) (local.get $step)))
        (local.set $da (i32.add (local.get $da) (i32.const 16)))
        (local.set $z (i32.add (local.get $z) (i32.const 16)))
        (local.set $dz (i32.add (local.get $dz) (i32.const 16)))
        (local.set $count (i32.sub (local.get $count) (i32.const 4)))
        (br $quads)))
    (block $done
      (loop $singles
        (br_if $done (i32.eqz (local.get $count)))
        (local.set $zf (f32.load (local.get $z)))
        (f32.store (local.get $dz)
          (f32.mul (f32.load (local.get $da))
            (select (local.get $zf)
              (select (f32.const 1) (f32.const 0) (f32.gt (local.get $zf) (f32.const 0)))
              (f32.ne (local.get $zf) (local.get $zf)))))
        (local.set $da (i32.add (local.get $da) (i32.const 4)))
        (local.set $z (i32.add (local.get $z) (i32.const 4)))
        (local.set $dz (i32.add (local.get $dz) (i32.const 4)))
        (local.set $count (i32.sub (local.get $count) (i32.const 1)))
        (br $singles))))

  ;; out[s, :] = the sum over rows of x[s, r, :], each column from +0 in order of r (tf.sum over
  ;; that axis on wasm sums so). x is [seeds, rows, n]; SIMD across columns only.
  (func (export "columnSums") (param $x i32) (param $out i32) (param $seeds i32) (param $rows i32) (param $n i32)
    (local $ld i32) (local $j i32) (local $r i32) (local $p i32) (local $sum v128) (local $sumf f32)
    (local.set $ld (i32.shl (local.get $n) (i32.const 2)))
    (block $seedsDone
      (loop $eachSeed
        (br_if $seedsDone (i32.eqz (local.get $seeds)))
        (local.set $j (i32.const 0))
        (block $quadsDone
          (loop $quads
            (br_if $quadsDone (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $n)))
            (local.set $sum (v128.const i32x4 0 0 0 0))
            (local.set $p (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $r (local.get $rows))
            (block $rowsDone
              (loop $eachRow
                (br_if $rowsDone (i32.eqz (local.get $r)))
                (local.set $sum (f32x4.add (local.get $sum) (v128.load (local.get $p))))
                (local.set $p (i32.add (local.get $p) (local.get $ld)))
                (local.set $r (i32.sub (local.get $r) (i32.const 1)))
                (br $eachRow)))
            (v128.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))) (local.get $sum))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $quads)))
        (block $singlesDone
          (loop $singles
            (br_if $singlesDone (i32.ge_u (local.get $j) (local.get $n)))
            (local.set $sumf (f32.const 0))
            (local.set $p (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $r (local.get $rows))
            (block $rowsDone1
              (loop $eachRow1
                (br_if $rowsDone1 (i32.eqz (local.get $r)))
                (local.set $sumf (f32.add (local.get $sumf) (f32.load (local.get $p))))
                (local.set $p (i32.add (local.get $p) (local.get $ld)))
                (local.set $r (i32.sub (local.get $r) (i32.const 1)))
                (br $eachRow1)))
            (f32.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))) (local.get $sumf))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $singles)))
        (local.set $x (i32.add (local.get $x) (i32.mul (local.get $rows) (local.get $ld))))
        (local.set $out (i32.add (local.get $out) (local.get $ld)))
        (local.set $seeds (i32.sub (local.get $seeds) (i32.const 1)))
        (br $eachSeed))))
  ;; dw[s] = x[s]ᵀ·dy[s] with every sum in float64 (each product of two float32 values exact),
  ;; rows in order from +0, rounded to float32 at the end: the arithmetic of the Conv2DBackpropFilter
  ;; runexp registers on wasm (execute/wasm-conv-grad.ts), for a pointwise conv1d. x is
  ;; [seeds, rows, inputs], dy [seeds, rows, outputs], dw [seeds, inputs, outputs]. SIMD across two
  ;; outputs at a time.
  (func (export "kernelGradF64")
    (param $x i32) (param $dy i32) (param $dw i32) (param $seeds i32) (param $rows i32) (param $inputs i32) (param $outputs i32)
    (local $i i32) (local $o i32) (local $r i32) (local $px i32) (local $pdy i32) (local $pdw i32)
    (local $acc v128) (local $accf f64) (local $ldx i32) (local $ldy i32)
    (local.set $ldx (i32.shl (local.get $inputs) (i32.const 2)))
    (local.set $ldy (i32.shl (local.get $outputs) (i32.const 2)))
    (block $seedsDone
      (loop $eachSeed
        (br_if $seedsDone (i32.eqz (local.get $seeds)))
        (local.set $pdw (local.get $dw))
        (local.set $i (i32.const 0))
        (block $inputsDone
          (loop $eachInput
            (br_if $inputsDone (i32.ge_u (local.get $i) (local.get $inputs)))
            (local.set $o (i32.const 0))
            (block $pairsDone
              (loop $pairs
                (br_if $pairsDone (i32.gt_u (i32.add (local.get $o) (i32.const 2)) (local.get $outputs)))
                (local.set $acc (v128.const i64x2 0 0))
                (local.set $px (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))
                (local.set $pdy (i32.add (local.get $dy) (i32.shl (local.get $o) (i32.const 2))))
                (local.set $r (local.get $rows))
                (block $rowsDone
                  (loop $eachRow
                    (br_if $rowsDone (i32.eqz (local.get $r)))
                    (local.set $acc
                      (f64x2.add (local.get $acc)
                        (f64x2.mul
                          (f64x2.splat (f64.promote_f32 (f32.load (local.get $px))))
                          (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $pdy))))))
                    (local.set $px (i32.add (local.get $px) (local.get $ldx)))
                    (local.set $pdy (i32.add (local.get $pdy) (local.get $ldy)))
                    (local.set $r (i32.sub (local.get $r) (i32.const 1)))
                    (br $eachRow)))
                (v128.store64_lane 0 (local.get $pdw) (f32x4.demote_f64x2_zero (local.get $acc)))
                (local.set $pdw (i32.add (local.get $pdw) (i32.const 8)))
                (local.set $o (i32.add (local.get $o) (i32.const 2)))
                (br $pairs)))
            (if (i32.lt_u (local.get $o) (local.get $outputs))
              (then
                (local.set $accf (f64.const 0))
                (local.set $px (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))
                (local.set $pdy (i32.add (local.get $dy) (i32.shl (local.get $o) (i32.const 2))))
                (local.set $r (local.get $rows))
                (block $rowsDone1
                  (loop $eachRow1
                    (br_if $rowsDone1 (i32.eqz (local.get $r)))
                    (local.set $accf
                      (f64.add (local.get $accf)
                        (f64.mul (f64.promote_f32 (f32.load (local.get $px))) (f64.promote_f32 (f32.load (local.get $pdy))))))
                    (local.set $px (i32.add (local.get $px) (local.get $ldx)))
                    (local.set $pdy (i32.add (local.get $pdy) (local.get $ldy)))
                    (local.set $r (i32.sub (local.get $r) (i32.const 1)))
                    (br $eachRow1)))
                (f32.store (local.get $pdw) (f32.demote_f64 (local.get $accf)))
                (local.set $pdw (i32.add (local.get $pdw) (i32.const 4)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $eachInput)))
        (local.set $x (i32.add (local.get $x) (i32.mul (local.get $rows) (local.get $ldx))))
        (local.set $dy (i32.add (local.get $dy) (i32.mul (local.get $rows) (local.get $ldy))))
        (local.set $dw (i32.add (local.get $dw) (i32.mul (local.get $inputs) (local.get $ldy))))
        (local.set $seeds (i32.sub (local.get $seeds) (i32.const 1)))
        (br $eachSeed))))
)
