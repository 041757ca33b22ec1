;; The element-wise passes around a stacked dense layer's product (stacked-matmul.wat), each as
;; one pass over every seed instead of one tfjs op apiece (a dispatch each): the bias and ReLU after
;; the product, ReLU's gradient, the bias gradient (column sums), a pointwise conv's kernel
;; gradient in float64, and the transpose of the weights for the input gradient; each computes what
;; the tfjs op it replaces computes, to the bit (test/unit/stacked.test.ts and stacked-kernels.test.ts,
;; −0 and NaN included).
;;
;; The memory is tfjs's wasm heap (imported): every pointer is a tensor's byte offset in it.
;; Compiled to stacked-elementwise.wasm by `npm run wasm` (scripts/build-wasm.ts).
(module
  (import "env" "memory" (memory 1))

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

  ;; out[s] = x[s]ᵀ for the [seeds, rows, cols] x: [seeds, cols, rows], bits moved unchanged (tf.transpose
  ;; with perm [0, 2, 1]). Blocks of 4 × 4 are transposed in registers; the edges one value at a time.
  (func (export "transpose") (param $x i32) (param $out i32) (param $seeds i32) (param $rows i32) (param $cols i32)
    (local $i i32) (local $j i32) (local $p i32) (local $q i32) (local $ldx i32) (local $ldo i32)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $ldx (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $ldo (i32.shl (local.get $rows) (i32.const 2)))
    (block $seedsDone
      (loop $eachSeed
        (br_if $seedsDone (i32.eqz (local.get $seeds)))
        (local.set $i (i32.const 0))
        (block $blocksDone
          (loop $blocks
            (br_if $blocksDone (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $rows)))
            (local.set $j (i32.const 0))
            (block $quadsDone
              (loop $quads
                (br_if $quadsDone (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $cols)))
                (local.set $p (i32.add (local.get $x) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $cols)) (local.get $j)) (i32.const 2))))
                (local.set $r0 (v128.load (local.get $p)))
                (local.set $p (i32.add (local.get $p) (local.get $ldx)))
                (local.set $r1 (v128.load (local.get $p)))
                (local.set $p (i32.add (local.get $p) (local.get $ldx)))
                (local.set $r2 (v128.load (local.get $p)))
                (local.set $p (i32.add (local.get $p) (local.get $ldx)))
                (local.set $r3 (v128.load (local.get $p)))
                (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
                (local.set $t1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
                (local.set $t2 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
                (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
                (local.set $q (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $j) (local.get $rows)) (local.get $i)) (i32.const 2))))
                (v128.store (local.get $q) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t1)))
                (local.set $q (i32.add (local.get $q) (local.get $ldo)))
                (v128.store (local.get $q) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t1)))
                (local.set $q (i32.add (local.get $q) (local.get $ldo)))
                (v128.store (local.get $q) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t2) (local.get $t3)))
                (local.set $q (i32.add (local.get $q) (local.get $ldo)))
                (v128.store (local.get $q) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t2) (local.get $t3)))
                (local.set $j (i32.add (local.get $j) (i32.const 4)))
                (br $quads)))
            (call $transposeEdge (local.get $x) (local.get $out) (local.get $i) (i32.add (local.get $i) (i32.const 4)) (local.get $j)
              (local.get $rows) (local.get $cols))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $blocks)))
        (call $transposeEdge (local.get $x) (local.get $out) (local.get $i) (local.get $rows) (i32.const 0) (local.get $rows) (local.get $cols))
        (local.set $x (i32.add (local.get $x) (i32.mul (local.get $rows) (local.get $ldx))))
        (local.set $out (i32.add (local.get $out) (i32.mul (local.get $rows) (local.get $ldx))))
        (local.set $seeds (i32.sub (local.get $seeds) (i32.const 1)))
        (br $eachSeed))))

  ;; out[j, i] = x[i, j] for rows $from … $to − 1 and columns $j … cols − 1, one value at a time.
  (func $transposeEdge (param $x i32) (param $out i32) (param $from i32) (param $to i32) (param $j0 i32)
    (param $rows i32) (param $cols i32)
    (local $i i32) (local $j i32)
    (local.set $i (local.get $from))
    (block $rowsDone
      (loop $eachRow
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $to)))
        (local.set $j (local.get $j0))
        (block $colsDone
          (loop $eachCol
            (br_if $colsDone (i32.ge_u (local.get $j) (local.get $cols)))
            (i32.store (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $j) (local.get $rows)) (local.get $i)) (i32.const 2)))
              (i32.load (i32.add (local.get $x) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $cols)) (local.get $j)) (i32.const 2)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $eachCol)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $eachRow))))
)
