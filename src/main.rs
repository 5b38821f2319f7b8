fn main() {
    println!("exowiz");
}
